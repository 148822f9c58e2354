import CognateServices
import CognateStorage
import Foundation
import Hummingbird

/// Cognate's own endpoints for test suites: the outbox of messages it would have sent, and a reset
/// of all state (also at moto's `/moto-api/reset`, so suites written for moto's server switch unchanged).
struct TestSupportEndpoints {
    let storage: any Storage
    let keyRing: KeyRing

    func add(to router: Router<some RequestContext>) {
        router.get("/_cognate/outbox") { request, _ -> Response in
            let query = request.uri.queryParameters
            let messages = try await storage.listMessages(
                poolID: query["poolId"].map(String.init), recipient: query["recipient"].map(String.init)
            )
            return try Self.json(OutboxListing(messages: messages.map(OutboxListing.Entry.init)))
        }
        router.post("/_cognate/reset") { _, _ -> Response in try await reset() }
        router.post("/moto-api/reset") { _, _ -> Response in try await reset() }
        router.get("/_cognate/health") { _, _ -> Response in try Self.json(["status": "ok"]) }
    }

    private func reset() async throws -> Response {
        try await storage.reset()
        keyRing.forget()
        return try Self.json(["status": "reset"])
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
