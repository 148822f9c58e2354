import CognateServices
import CognateStorage
import CognitoModel
import Foundation
import Hummingbird

/// Cognate's own endpoints for test suites: the outbox of messages it would have sent, a reset of all
/// state (also at moto's `/moto-api/reset`, so suites written for moto's server switch unchanged), and
/// the server's clock, which a suite can move forward to see codes and passwords expire.
///
/// Every request passes the guard against web pages; once access keys are configured it must also be
/// SigV4-signed by one of them (`OperatorSignature`): the outbox holds every code sent.
struct TestSupportEndpoints {
    let storage: any Storage
    let reset: ServerReset
    /// The services' clock, when it can be moved.
    var clock: OffsetClock? { reset.clock }
    let guarding: TestEndpointGuard
    let signature: OperatorSignature

    /// The refusal to answer instead, or nil; and the body, read once for the signature.
    private func refusal(_ request: Request) async -> (body: ByteBuffer, refusal: Response?) {
        if let refusal = guarding.refusal(request) { return (ByteBuffer(), refusal) }
        return await signature.check(request)
    }

    func add(to router: Router<some RequestContext>) {
        router.get("/_cognate/outbox") { request, _ -> Response in
            if let refusal = await refusal(request).refusal { return refusal }
            let query = request.uri.queryParameters
            let messages = try await storage.listMessages(
                poolID: query["poolId"].map(String.init), recipient: query["recipient"].map(String.init)
            )
            return try Self.json(OutboxListing(messages: messages.map(OutboxListing.Entry.init)))
        }
        for path in ["/_cognate/reset", "/moto-api/reset"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                if let refusal = await refusal(request).refusal { return refusal }
                try await reset.run()
                return try Self.json(["status": "reset"])
            }
        }
        router.post("/_cognate/risk") { request, _ -> Response in
            let (body, refused) = await refusal(request)
            if let refused { return refused }
            let change: RiskChange
            do {
                change = try JSONDecoder().decode(RiskChange.self, from: Data(body.readableBytesView))
            } catch {
                throw HTTPError(.badRequest, message: "The risk endpoint takes a JSON object with userPoolId, username and riskLevel.")
            }
            do {
                try await NextSignInRisk(storage: storage).set(poolID: change.userPoolId, username: change.username, level: change.riskLevel)
            } catch let error as CognitoError {
                let status: HTTPResponse.Status = error.code == .invalidParameterException ? .badRequest : .notFound
                throw HTTPError(status, message: error.message)
            }
            return try Self.json(["userPoolId": change.userPoolId, "username": change.username, "riskLevel": change.riskLevel ?? "model"])
        }
        // An import job's per-line results, as its CloudWatch Logs stream has them.
        router.get("/_cognate/user-import-log") { request, _ -> Response in
            if let refusal = await refusal(request).refusal { return refusal }
            let query = request.uri.queryParameters
            guard let pool = query["userPoolId"].map(String.init), let job = query["jobId"].map(String.init) else {
                throw HTTPError(.badRequest, message: "The user import log takes userPoolId and jobId.")
            }
            guard let log = try await UserImportLog.read(poolID: pool, jobID: job, storage: storage) else {
                throw HTTPError(.notFound, message: "There is no import job \(job.prefix(64)) in the user pool.")
            }
            return try Self.json(log)
        }
        if let clock {
            router.get("/_cognate/clock") { request, _ -> Response in
                if let refusal = await refusal(request).refusal { return refusal }
                return try Self.json(ClockState(clock))
            }
            router.post("/_cognate/clock") { request, _ -> Response in
                let (body, refused) = await refusal(request)
                if let refused { return refused }
                let change: ClockChange
                do {
                    change = try JSONDecoder().decode(ClockChange.self, from: Data(body.readableBytesView))
                } catch let error as HTTPError {
                    throw error
                } catch {
                    throw HTTPError(.badRequest, message: "The clock takes a JSON object with offsetSeconds or advanceSeconds.")
                }
                if let offset = change.offsetSeconds { clock.setOffset(offset) }
                if let advance = change.advanceSeconds { clock.advance(by: advance) }
                return try Self.json(ClockState(clock))
            }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The outbox as `GET /_cognate/outbox` answers it.
struct OutboxListing: Encodable {
    struct Entry: Encodable {
        var sequence: Int64
        var poolId: String
        var username: String
        var medium: String
        var recipient: String
        var purpose: String
        var subject: String?
        var body: String
        var code: String?
        var sentAt: Date

        init(_ m: OutboxMessage) {
            sequence = m.sequence
            poolId = m.poolID
            username = m.username
            medium = m.medium.rawValue
            recipient = m.recipient
            purpose = m.purpose
            subject = m.subject
            body = m.body
            code = m.code
            sentAt = m.sentAt
        }
    }

    var messages: [Entry]
}

/// `POST /_cognate/clock`: set the offset from the wall clock, or move the clock forward, in seconds.
/// Any other key is refused, so that a typo does not pass for a change.
struct ClockChange: Decodable {
    var offsetSeconds: Double?
    var advanceSeconds: Double?

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let keys: Set<String> = ["offsetSeconds", "advanceSeconds"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.first(where: { !Self.keys.contains($0.stringValue) }) {
            throw HTTPError(.badRequest, message: "Unknown key \(unknown.stringValue.prefix(64)): the clock takes offsetSeconds and advanceSeconds.")
        }
        offsetSeconds = try container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: "offsetSeconds")!)
        advanceSeconds = try container.decodeIfPresent(Double.self, forKey: AnyKey(stringValue: "advanceSeconds")!)
    }
}

/// The server's clock as `/_cognate/clock` answers it.
struct ClockState: Encodable {
    var now: Double
    var offsetSeconds: Double

    init(_ clock: OffsetClock) {
        now = clock.now().timeIntervalSince1970
        offsetSeconds = clock.offset
    }
}

/// `POST /_cognate/risk`: the risk of a user's next evaluated sign-in (Low, Medium or High; null: the model's).
struct RiskChange: Decodable {
    var userPoolId: String
    var username: String
    var riskLevel: String?
}
