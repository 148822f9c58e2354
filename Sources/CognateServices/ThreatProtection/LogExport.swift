import CognateStorage
import CognitoModel
import Foundation
import Logging
import Metrics

/// Where a pool sends a kind of log (SetLogDeliveryConfiguration).
public enum LogDestination: Sendable, Equatable, CustomStringConvertible {
    case cloudWatchLogs(logGroupARN: String)
    case s3(bucketARN: String)
    case firehose(streamARN: String)

    init?(_ configuration: LogConfigurationType) {
        if let arn = configuration.cloudWatchLogsConfiguration?.logGroupArn {
            self = .cloudWatchLogs(logGroupARN: arn)
        } else if let arn = configuration.s3Configuration?.bucketArn {
            self = .s3(bucketARN: arn)
        } else if let arn = configuration.firehoseConfiguration?.streamArn {
            self = .firehose(streamARN: arn)
        } else {
            return nil
        }
    }

    /// The kind, as metrics label it.
    public var kind: String {
        switch self {
        case .cloudWatchLogs: "cloudwatch_logs"
        case .s3: "s3"
        case .firehose: "firehose"
        }
    }

    public var description: String {
        switch self {
        case .cloudWatchLogs(let arn), .s3(let arn), .firehose(let arn): arn
        }
    }
}

/// One log record in AWS's format (a JSON object), for one pool.
public struct LogRecord: Sendable, Equatable {
    public var poolID: String
    /// A name that is unique for the record (an S3 object's name is made from it).
    public var id: String
    public var timestamp: Date
    public var json: String
}

/// Delivers records to AWS (CloudWatch Logs, S3, Firehose) or a stand-in for it at another endpoint.
public protocol LogShipping: Sendable {
    /// Delivers one record; throws what went wrong.
    func ship(_ record: LogRecord, to destination: LogDestination) async throws
}

/// Log export, best effort as AWS's is: records are queued (at most `capacity`; a full queue drops the newest
/// and counts it) and delivered in the background, so a destination that is slow or failing never holds up
/// or fails the request that made the record; failures are logged and counted
/// (`cognate_log_records_total{destination, outcome}`). With a file (`--log-delivery-file`), every record
/// is also appended to it as one line of JSON, for teams without AWS.
public final class LogExport: Sendable {
    static let capacity = 10_000

    private let continuation: AsyncStream<(LogRecord, [LogDestination])>.Continuation

    public init(shipper: (any LogShipping)?, file: String?, logger: Logger) throws {
        var handle: FileHandle?
        if let file {
            if !FileManager.default.fileExists(atPath: file) {
                guard FileManager.default.createFile(atPath: file, contents: nil) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: file])
                }
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            try handle?.seekToEnd()
        }
        let (stream, continuation) = AsyncStream<(LogRecord, [LogDestination])>.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
        self.continuation = continuation
        let output = handle
        Task.detached {
            for await (record, destinations) in stream {
                if let output {
                    do {
                        try output.write(contentsOf: Data((record.json + "\n").utf8))
                    } catch {
                        logger.warning("log export: the record could not be written to the file", metadata: ["error": "\(error)"])
                    }
                }
                for destination in destinations {
                    guard let shipper else { continue }
                    do {
                        try await shipper.ship(record, to: destination)
                        Counter(label: "cognate_log_records_total", dimensions: [("destination", destination.kind), ("outcome", "delivered")])
                            .increment()
                    } catch {
                        Counter(label: "cognate_log_records_total", dimensions: [("destination", destination.kind), ("outcome", "failed")])
                            .increment()
                        logger.warning(
                            "log export: a record was not delivered",
                            metadata: ["pool": "\(record.poolID)", "destination": "\(destination)", "error": "\(error)"])
                    }
                }
            }
            try? output?.close()
        }
    }

    deinit { continuation.finish() }

    /// Queues a record for the pool's destinations of `source`; nothing when the pool exports none.
    func submit(_ record: LogRecord, source: EventSourceName, pool: UserPool) {
        let destinations = (RegionalSettings.logDelivery(pool) ?? []).filter { $0.eventSource == source }.compactMap(LogDestination.init)
        guard !destinations.isEmpty else { return }
        if case .dropped = continuation.yield((record, destinations)) {
            Counter(label: "cognate_log_records_total", dimensions: [("destination", "queue"), ("outcome", "dropped")]).increment()
        }
    }
}

/// The records of AWS's two log formats ("This log schema is subject to change"; values are strings, booleans
/// included).
enum LogRecords {
    /// A user-activity record (`userAuthEvents`) for an auth event.
    static func activity(_ event: AuthEvent, user: User, pool: UserPool) -> LogRecord {
        let decision: String =
            switch event.risk.riskDecision {
            case .block?: "BLOCK"
            case .accountTakeover?: "ACCOUNT_TAKEOVER"
            default: "PASS"
            }
        let challenges: [[String: String]] = event.challenges.map {
            ["challengeName": $0.challengeName?.rawValue ?? "", "challengeResponse": $0.challengeResponse?.rawValue ?? ""]
        }
        let feedbackDate = event.feedback?.feedbackDate.map { String(Int64($0.timeIntervalSince1970 * 1000)) } ?? ""
        let message: [String: Any] = [
            "version": "1", "eventId": event.id, "eventType": event.type.rawValue, "userSub": user.sub, "userName": user.username,
            "userPoolId": pool.id, "clientId": event.clientID ?? "", "creationDate": RiskNotification.loginTime(event.createdAt),
            "eventResponse": event.response.rawValue, "riskLevel": event.risk.riskLevel?.rawValue ?? "", "riskDecision": decision,
            "challenges": challenges, "deviceName": event.context.deviceName ?? "", "ipAddress": event.context.ipAddress ?? "",
            "requestId": "", "idpName": "", "compromisedCredentialDetected": String(event.risk.compromisedCredentialsDetected ?? false),
            "city": event.context.city ?? "", "country": event.context.country ?? "",
            "eventFeedbackValue": event.feedback?.feedbackValue.rawValue ?? "", "eventFeedbackDate": feedbackDate,
            "eventFeedbackProvider": event.feedback?.provider ?? "", "hasContextData": String(event.context.ipAddress != nil),
        ]
        return record(
            pool: pool, id: event.id + "-" + event.response.rawValue.lowercased(), at: event.createdAt, source: "USER_ACTIVITY", level: "INFO",
            message: message)
    }

    /// A message-delivery error (`userNotification`).
    static func notificationError(_ details: String, pool: UserPool, at date: Date, id: String) -> LogRecord {
        record(pool: pool, id: id, at: date, source: "USER_NOTIFICATION", level: "ERROR", message: ["details": details])
    }

    private static func record(pool: UserPool, id: String, at date: Date, source: String, level: String, message: [String: Any]) -> LogRecord {
        let object: [String: Any] = [
            "eventTimestamp": String(Int64(date.timeIntervalSince1970 * 1000)), "eventSource": source, "logLevel": level, "message": message,
            "logSourceId": ["userPoolId": pool.id],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return LogRecord(poolID: pool.id, id: id, timestamp: date, json: String(decoding: data, as: UTF8.self))
    }
}
