import CognateStorage
import CognitoModel
import Foundation

/// The life of an import job apart from its operations: reading its file's header, ending it, expiring it,
/// and AWS's words for each end.
struct UserImportJobs {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// A job created and not started within this long expires (AWS: "within 24-48 hours").
    static let expiry: TimeInterval = 86_400
    /// AWS's limits on a file: its size, and users in it.
    static let maxFileBytes = 100 * 1024 * 1024
    static let maxUsers = 500_000
    /// The pool's limit on jobs (AWS's default quota).
    static let maxJobsPerPool = 1_000

    // AWS's completion messages (the CLI's captured answers).
    static let succeededMessage = "Import Job Completed Successfully."
    static let tooManyFailures = "Too many users have failed or been skipped during the import."
    static let stoppedMessage = "The Import Job was stopped by the developer."
    static let expiredMessage = "The user import job has expired."
    /// Cognate's words where AWS's are not known (docs/COVERAGE.md).
    static func unparsable(_ problem: HeaderProblem) -> String { String("The CSV file could not be parsed: \(problem).".prefix(128)) }
    static let logsUnwritable = "The import results could not be written to CloudWatch Logs."
    static let aliasTaken = "Another user already has this user's email address, phone number or preferred username."

    /// Ends the job: its status, completion date and message; its file is deleted.
    func finish(_ job: UserImportJob, _ status: UserImportJobStatusType, message: String) async throws {
        let now = deps.clock.now()
        try await deps.storage.updateUserImportJob(poolID: job.poolID, id: job.id) { job in
            job.status = status
            job.completionDate = now
            job.completionMessage = message
            job.runner = nil
        }
        try await deps.storage.deleteUserImportChunks(poolID: job.poolID, id: job.id, upload: nil)
    }

    /// The job as it stands now: a job created and never started expires once its time is up (its file
    /// deleted, as AWS deletes "all data associated with the job").
    func settled(_ job: UserImportJob) async throws -> UserImportJob {
        let expiresAt = job.creationDate.addingTimeInterval(Self.expiry)
        guard job.status == .created, deps.clock.now() >= expiresAt else { return job }
        let expired = try await deps.storage.updateUserImportJob(poolID: job.poolID, id: job.id) { job in
            guard job.status == .created else { return }
            job.status = .expired
            job.completionDate = expiresAt
            job.completionMessage = Self.expiredMessage
        }
        try await deps.storage.deleteUserImportChunks(poolID: job.poolID, id: job.id, upload: nil)
        return expired
    }

    /// Reads the file's first line, the header: every column of GetCSVHeader, each once, in any order, and
    /// nothing else; UTF-8 without a byte-order mark; at most `maxUsers` lines after it. Answers the columns
    /// and where the first user's line starts, or why the file cannot be parsed.
    static func header(
        of job: UserImportJob, file: UserImportJob.File, pool: UserPool, storage: any Storage
    ) async throws -> Result<([String], (chunk: Int, offset: Int)), HeaderProblem> {
        var reader = UserImportFileReader(storage: storage, job: job, file: file, from: (0, 0))
        guard case .text(let bytes)? = try await reader.next() else { return .failure(.noHeader) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .failure(.byteOrderMark) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
        let columns = UserImportCSV.fields(text)
        let expected = Set(TagService.csvHeader(pool))
        guard Set(columns).count == columns.count else { return .failure(.duplicateColumn) }
        if let missing = expected.subtracting(columns).sorted().first { return .failure(.missingColumn(missing)) }
        if let unknown = Set(columns).subtracting(expected).sorted().first { return .failure(.unknownColumn(unknown)) }
        let start = reader.position
        var users = 0
        while let line = try await reader.next() {
            if case .text(let bytes) = line, bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            users += 1
            if users > maxUsers { return .failure(.tooManyUsers) }
        }
        return .success((columns, start))
    }

    enum HeaderProblem: Error, CustomStringConvertible {
        case noHeader, byteOrderMark, notUTF8, duplicateColumn, tooManyUsers
        case missingColumn(String)
        case unknownColumn(String)

        var description: String {
            switch self {
            case .noHeader: "the file is empty"
            case .byteOrderMark: "the file starts with a byte-order mark"
            case .notUTF8: "the header is not UTF-8"
            case .duplicateColumn: "the header names a column twice"
            case .tooManyUsers: "the file has more than 500,000 users"
            case .missingColumn(let name): "the header lacks the column \(name)"
            case .unknownColumn(let name): "the header has the column \(name), which the user pool's GetCSVHeader does not"
            }
        }
    }

    /// The job as the API answers it.
    static func wire(_ job: UserImportJob) -> UserImportJobType {
        UserImportJobType(
            jobName: job.name, jobId: job.id, userPoolId: job.poolID, preSignedUrl: job.preSignedURL, creationDate: job.creationDate,
            startDate: job.startDate, completionDate: job.completionDate, status: job.status, cloudWatchLogsRoleArn: job.roleARN,
            importedUsers: job.imported, skippedUsers: job.skipped, failedUsers: job.failed, completionMessage: job.completionMessage,
            passwordHashingAlgorithm: job.passwordHashingAlgorithm)
    }
}
