import AsyncHTTPClient
import CognateServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Log export to AWS (`LogShipping`): CloudWatch Logs' PutLogEvents (into a stream named after the pool, made
/// on first use), S3's PutObject (one object a record, under
/// `AWSLogs/<account>/cognito-idp/<region>/<pool>/<yyyy>/<mm>/<dd>/`), Firehose's PutRecord (one record, a line
/// of JSON). Every call goes to `endpoint` when one is set (`--log-delivery-endpoint`: a stand-in that speaks
/// all three, as moto's and ministack's servers do; S3 then path-style), else to AWS's endpoint of the ARN's
/// region (S3's: the pool's region), signed with SigV4.
public final class AWSLogShipper: LogShipping {
    let endpoint: URL?
    let credentials: AWSCredentials
    let accountID: String
    let timeout: TimeAmount
    let logger: Logger
    /// The log streams known to exist (`group\nstream`).
    private let streams = Mutex<Set<String>>([])

    public init(endpoint: URL?, accountID: String, credentials: AWSCredentials = .placeholder, timeout: TimeAmount = .seconds(5), logger: Logger) {
        self.endpoint = endpoint
        self.accountID = accountID
        self.credentials = credentials
        self.timeout = timeout
        self.logger = logger
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    public func ship(_ record: LogRecord, to destination: LogDestination) async throws {
        switch destination {
        case .cloudWatchLogs(let arn): try await putLogEvent(record, groupARN: arn)
        case .s3(let arn): try await putObject(record, bucketARN: arn)
        case .firehose(let arn): try await putRecord(record, streamARN: arn)
        }
    }

    private func putLogEvent(_ record: LogRecord, groupARN: String) async throws {
        guard let arn = AWSARN(groupARN), arn.resource.hasPrefix("log-group:") else { throw Failure("not a log group's ARN: \(groupARN)") }
        var group = String(arn.resource.dropFirst("log-group:".count))
        if group.hasSuffix(":*") { group.removeLast(2) }
        let stream = record.poolID
        if !streams.withLock({ $0.contains(group + "\n" + stream) }) {
            let (status, answer) = try await call(
                service: "logs", region: arn.region, target: "Logs_20140328.CreateLogStream",
                body: ["logGroupName": group, "logStreamName": stream])
            guard status == 200 || String(decoding: answer, as: UTF8.self).contains("ResourceAlreadyExistsException") else {
                throw Failure("CloudWatch Logs answered \(status) to CreateLogStream: \(String(decoding: answer.prefix(300), as: UTF8.self))")
            }
            streams.withLock { _ = $0.insert(group + "\n" + stream) }
        }
        let event: [String: Any] = ["timestamp": Int64(record.timestamp.timeIntervalSince1970 * 1000), "message": record.json]
        let (status, answer) = try await call(
            service: "logs", region: arn.region, target: "Logs_20140328.PutLogEvents",
            body: ["logGroupName": group, "logStreamName": stream, "logEvents": [event]])
        guard status == 200 else {
            if String(decoding: answer, as: UTF8.self).contains("ResourceNotFoundException") { streams.withLock { $0 = [] } }
            throw Failure("CloudWatch Logs answered \(status) to PutLogEvents: \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
    }

    private func putRecord(_ record: LogRecord, streamARN: String) async throws {
        guard let arn = AWSARN(streamARN), arn.resource.hasPrefix("deliverystream/") else {
            throw Failure("not a Firehose stream's ARN: \(streamARN)")
        }
        let name = String(arn.resource.dropFirst("deliverystream/".count))
        let data = Data((record.json + "\n").utf8).base64EncodedString()
        let (status, answer) = try await call(
            service: "firehose", region: arn.region, target: "Firehose_20150804.PutRecord",
            body: ["DeliveryStreamName": name, "Record": ["Data": data]])
        guard status == 200 else {
            throw Failure("Firehose answered \(status) to PutRecord: \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
    }

    private func putObject(_ record: LogRecord, bucketARN: String) async throws {
        let parts = bucketARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "s3", !parts[5].isEmpty else { throw Failure("not a bucket's ARN: \(bucketARN)") }
        let bucket = String(parts[5])
        let region = record.poolID.split(separator: "_").first.map(String.init) ?? "us-east-1"
        let day = Self.day(record.timestamp)
        let safeID = String(record.id.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" }.map(Character.init))
        let key = "AWSLogs/\(accountID)/cognito-idp/\(region)/\(record.poolID)/\(day)/\(safeID).json"
        let base: URL
        let path: String
        if let endpoint {
            base = endpoint
            path = (endpoint.path.isEmpty || endpoint.path == "/" ? "" : endpoint.path) + "/" + bucket + "/" + key
        } else {
            guard let url = URL(string: "https://\(bucket).s3.\(region).amazonaws.com") else { throw Failure("no S3 address for \(bucket)") }
            base = url
            path = "/" + key
        }
        let body = Array((record.json + "\n").utf8)
        let (status, answer) = try await send(
            method: "PUT", base: base, path: path, service: "s3", region: region, headers: [("Content-Type", "application/json")], body: body)
        guard status == 200 else {
            throw Failure("S3 answered \(status) to PutObject: \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
    }

    /// An AWS JSON 1.1 call.
    private func call(service: String, region: String, target: String, body: [String: Any]) async throws -> (Int, [UInt8]) {
        guard let base = endpoint ?? URL(string: "https://\(service).\(region).amazonaws.com") else { throw Failure("no \(service) endpoint") }
        let payload = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        return try await send(
            method: "POST", base: base, path: base.path.isEmpty ? "/" : base.path, service: service, region: region,
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)], body: payload)
    }

    private func send(
        method: String, base: URL, path: String, service: String, region: String, headers: [(String, String)], body: [UInt8]
    ) async throws -> (Int, [UInt8]) {
        guard let host = base.host else { throw Failure("no host in \(base)") }
        let authority = base.port.map { "\(host):\($0)" } ?? host
        var request = HTTPClientRequest(url: (base.scheme ?? "https") + "://" + authority + path)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let signer = SigV4Signer(credentials: credentials, service: service)
        for (name, value) in signer.headers(method: method, host: authority, path: path, region: region, body: body, date: Date()) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: timeout, logger: logger)
        let answer = Array(try await response.body.collect(upTo: 64 * 1024).readableBytesView)
        return (Int(response.status.code), answer)
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d/%02d/%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

extension AWSLogShipper: UserImportLogDelivery {
    /// CloudWatch Logs' CreateLogGroup and CreateLogStream (each once, an existing one taken as it is), then
    /// PutLogEvents, in pieces within its limits (10,000 events and 1 MB a call).
    public func putImportLog(group: String, stream: String, region: String, events: [(timestamp: Date, message: String)]) async throws {
        if !streams.withLock({ $0.contains(group + "\n" + stream) }) {
            for (target, body) in [
                ("Logs_20140328.CreateLogGroup", ["logGroupName": group]),
                ("Logs_20140328.CreateLogStream", ["logGroupName": group, "logStreamName": stream]),
            ] {
                let (status, answer) = try await call(service: "logs", region: region, target: target, body: body)
                guard status == 200 || String(decoding: answer, as: UTF8.self).contains("ResourceAlreadyExistsException") else {
                    throw Failure("CloudWatch Logs answered \(status) to \(target): \(String(decoding: answer.prefix(300), as: UTF8.self))")
                }
            }
            streams.withLock { _ = $0.insert(group + "\n" + stream) }
        }
        var piece: [[String: Any]] = []
        var bytes = 0
        func flush() async throws {
            guard !piece.isEmpty else { return }
            let (status, answer) = try await call(
                service: "logs", region: region, target: "Logs_20140328.PutLogEvents",
                body: ["logGroupName": group, "logStreamName": stream, "logEvents": piece])
            guard status == 200 else {
                if String(decoding: answer, as: UTF8.self).contains("ResourceNotFoundException") { streams.withLock { $0 = [] } }
                throw Failure("CloudWatch Logs answered \(status) to PutLogEvents: \(String(decoding: answer.prefix(300), as: UTF8.self))")
            }
            piece = []
            bytes = 0
        }
        for event in events {
            let size = event.message.utf8.count + 26
            if piece.count == 10_000 || bytes + size > 1_000_000 { try await flush() }
            piece.append(["timestamp": Int64(event.timestamp.timeIntervalSince1970 * 1000), "message": event.message])
            bytes += size
        }
        try await flush()
    }
}
