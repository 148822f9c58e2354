import CognateStorage
import Foundation

/// A job's per-line results as AWS writes them to CloudWatch Logs: the group
/// `/aws/cognito/userpools/<poolId>/<poolName>`, the stream `<jobId>/<jobName>`, one event per line of the
/// file, naming the line's number and never its data. Cognate keeps them with the job, readable whether or
/// not they are delivered anywhere.
public struct UserImportLog: Sendable, Encodable {
    public var logGroupName: String
    public var logStreamName: String
    public var events: [String]

    static func groupName(poolID: String, poolName: String) -> String { "/aws/cognito/userpools/\(poolID)/\(poolName)" }
    static func streamName(_ job: UserImportJob) -> String { "\(job.id)/\(job.name)" }

    /// The job's log so far; nil when the job does not exist.
    public static func read(poolID: String, jobID: String, storage: any Storage) async throws -> UserImportLog? {
        guard let pool = try await StorageError.ifPresent({ try await storage.userPool(id: poolID) }),
            let job = try await StorageError.ifPresent({ try await storage.userImportJob(poolID: poolID, id: jobID) })
        else { return nil }
        var events: [String] = []
        var after = 0
        while true {
            let entries = try await storage.userImportLog(poolID: poolID, id: jobID, after: after, limit: 200)
            for entry in entries { events.append(contentsOf: entry.lines.split(separator: "\n").map(String.init)) }
            guard let last = entries.last else { break }
            after = last.seq
        }
        return UserImportLog(logGroupName: groupName(poolID: pool.id, poolName: pool.name), logStreamName: streamName(job), events: events)
    }
}

/// Where a job's results go besides Cognate's record: CloudWatch Logs (`--user-import-logs cloudwatch`).
public protocol UserImportLogDelivery: Sendable {
    /// Appends the events to the stream, making the group and the stream when they are missing.
    func putImportLog(group: String, stream: String, region: String, events: [(timestamp: Date, message: String)]) async throws
}
