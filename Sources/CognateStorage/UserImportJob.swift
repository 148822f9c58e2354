import CognitoModel
import Foundation

/// A user import job (CreateUserImportJob): what the API answers about it, the file uploaded to its
/// pre-signed URL, how far the import has read that file, and which node runs it.
public struct UserImportJob: Codable, Sendable, Equatable {
    public var poolID: String
    public var id: String
    public var name: String
    public var roleARN: String
    public var passwordHashingAlgorithm: PasswordHashingAlgorithmType?
    public var preSignedURL: String
    public var creationDate: Date
    public var startDate: Date?
    public var completionDate: Date?
    public var status: UserImportJobStatusType
    public var imported: Int64
    public var skipped: Int64
    public var failed: Int64
    public var completionMessage: String?
    /// The CSV file, once an upload completed; the newest complete upload wins.
    public var file: File?
    /// Where the import goes on reading (the next line, in which chunk, at which byte).
    public var progress: Progress
    /// The node running the job and until when its claim holds without being renewed.
    public var runner: Lease?

    public init(
        poolID: String, id: String, name: String, roleARN: String, passwordHashingAlgorithm: PasswordHashingAlgorithmType?,
        preSignedURL: String, creationDate: Date
    ) {
        self.poolID = poolID
        self.id = id
        self.name = name
        self.roleARN = roleARN
        self.passwordHashingAlgorithm = passwordHashingAlgorithm
        self.preSignedURL = preSignedURL
        self.creationDate = creationDate
        self.status = .created
        self.imported = 0
        self.skipped = 0
        self.failed = 0
        self.progress = Progress()
    }

    /// An uploaded file: stored as numbered chunks under its upload's ID.
    public struct File: Codable, Sendable, Equatable {
        public var uploadID: String
        public var size: Int64
        public var chunks: Int
        public init(uploadID: String, size: Int64, chunks: Int) {
            self.uploadID = uploadID
            self.size = size
            self.chunks = chunks
        }
    }

    /// A position in the file at the start of a line.
    public struct Progress: Codable, Sendable, Equatable {
        /// The chunk and the byte in it where the next line starts.
        public var chunk: Int
        public var offset: Int
        /// The next line's number (the header is line 1).
        public var line: Int
        /// The header's columns, once read.
        public var header: [String]?
        public init(chunk: Int = 0, offset: Int = 0, line: Int = 1, header: [String]? = nil) {
            self.chunk = chunk
            self.offset = offset
            self.line = line
            self.header = header
        }
    }

    public struct Lease: Codable, Sendable, Equatable {
        public var node: String
        public var until: Date
        public init(node: String, until: Date) {
            self.node = node
            self.until = until
        }
    }

    /// The status as stored in its indexed column.
    public var statusName: String { status.rawValue }
    /// Started and waiting for a runner.
    public var isPending: Bool { status == .pending }
    /// Started and not finished: the pool's configuration may not change under it.
    public var isActive: Bool { [.pending, .inProgress, .stopping].contains(status) }
    /// Ended one way or another: its file is gone.
    public var isFinished: Bool { [.succeeded, .failed, .stopped, .expired].contains(status) }
}

/// What became of one user a batch of an import tried to create.
public enum UserImportOutcome: Sendable, Equatable {
    case created
    /// Another user has the username.
    case usernameTaken
    /// Another user has one of the user's aliases (a verified email or phone number, a preferred username).
    case aliasTaken
}

/// User import jobs, their files and their per-line logs. A deleted pool takes its jobs along.
public protocol UserImportJobStorage: Sendable {
    /// `notFound` when the pool is gone.
    func createUserImportJob(_ job: UserImportJob) async throws
    func userImportJob(poolID: String, id: String) async throws -> UserImportJob
    /// The pool's jobs, newest first, from past the job `after` (nil: from the newest); `invalidPageToken`
    /// when `after` is no job of the pool.
    func listUserImportJobs(poolID: String, after: String?, limit: Int) async throws -> [UserImportJob]
    func countUserImportJobs(poolID: String) async throws -> Int
    @discardableResult
    func updateUserImportJob(poolID: String, id: String, _ change: @escaping @Sendable (inout UserImportJob) throws -> Void) async throws
        -> UserImportJob
    /// Whether any job of the pool has started and not finished.
    func hasActiveUserImportJob(poolID: String) async throws -> Bool
    /// Gives `node` the job to run next, if no other node runs one under a claim that holds at `now`: a job
    /// whose runner's claim lapsed, else the longest-waiting pending one. The claim holds until `until`.
    /// Nodes on one database take turns here, so one job runs at a time.
    func claimUserImportJob(node: String, now: Date, until: Date) async throws -> UserImportJob?

    /// Stores one chunk of an upload (numbered from 0). `notFound` when the job is gone.
    func putUserImportChunk(poolID: String, id: String, upload: String, index: Int, bytes: Data) async throws
    /// `notFound` when there is no such chunk.
    func userImportChunk(poolID: String, id: String, upload: String, index: Int) async throws -> Data
    /// Removes the chunks of one upload of the job, or (`upload` nil) of every upload.
    func deleteUserImportChunks(poolID: String, id: String, upload: String?) async throws

    /// One batch of an import, in one transaction: creates each user that conflicts with no user of the
    /// pool, then changes the job by `record` (given each user's outcome), which answers the batch's log
    /// lines, kept in order. Answers the job as changed.
    func importUsers(
        poolID: String, id: String, users: [User],
        _ record: @escaping @Sendable (inout UserImportJob, [UserImportOutcome]) throws -> String
    ) async throws -> UserImportJob
    /// The job's log, a batch's lines per entry, in order: entries after `after` (their sequence numbers).
    func userImportLog(poolID: String, id: String, after: Int, limit: Int) async throws -> [(seq: Int, lines: String)]
}
