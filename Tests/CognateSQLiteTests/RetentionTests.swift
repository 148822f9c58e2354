import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Testing

/// What the SQLite backend drops on its own: sessions soon after they expire, and the oldest messages of
/// the outbox beyond its retention.
@Suite struct RetentionTests {
    static func session(_ id: String, expiresAt: Date) -> AuthSession {
        AuthSession(id: id, poolID: "p", clientID: "c", usernameKey: "u", challenge: "PASSWORD_VERIFIER", state: ["A": "1"], expiresAt: expiresAt)
    }

    @Test func expiredSessionsAreSweptWithinTheirLongestLifetime() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            let now = Date()
            try await storage.createUserPool(UserPool(
                id: "p", name: "p", arn: "arn", creationDate: now, lastModifiedDate: now, settings: .init(), schema: [], tags: [:]))
            try await storage.createSession(Self.session("old", expiresAt: now.addingTimeInterval(-AuthSession.maxLifetime - 60)))
            try await storage.createSession(Self.session("recent", expiresAt: now.addingTimeInterval(-60)))
            for index in 0..<64 {
                try await storage.createSession(Self.session("new\(index)", expiresAt: now.addingTimeInterval(180)))
            }
            await #expect(throws: StorageError.self) { try await storage.takeSession(id: "old") }
            // One that expired less than the longest lifetime ago may still be there; live ones always are.
            _ = try? await storage.takeSession(id: "recent")
            #expect(try await storage.takeSession(id: "new63").id == "new63")
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    @Test func theOutboxKeepsItsNewestMessages() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            let extra = 200
            for index in 0..<(OutboxMessage.retained + extra) {
                try await storage.appendMessage(OutboxMessage(
                    poolID: "p", username: "u", medium: .email, recipient: "r@example.com", purpose: "signup", subject: nil,
                    body: "code \(index)", code: "\(index)", sentAt: Date()))
            }
            let kept = try await storage.listMessages(poolID: "p", recipient: nil)
            #expect(kept.count <= OutboxMessage.retained + 64)
            #expect(kept.count >= OutboxMessage.retained)
            #expect(kept.last?.code == "\(OutboxMessage.retained + extra - 1)")
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
