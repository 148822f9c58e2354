import CognateSQL
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
        AuthSession(
            id: id, poolID: "p", clientID: "c", usernameKey: "u", challenge: .passwordVerifier,
            state: SignInState().with { $0.srp = .init(clientPublic: "1", serverPublic: "2", serverSecret: "3") }, expiresAt: expiresAt)
    }

    @Test func expiredSessionsAreSweptWithinTheirLongestLifetime() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            let now = Date()
            try await storage.createUserPool(
                UserPool(
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

    /// Records anyone can make a pool keep are bounded in count (issue 26, item 4): past the pool's limit the
    /// write is refused, expired ones make room again, and other pools are not affected.
    @Test func anonymousFamiliesHoldABoundedNumberOfLiveRecordsPerPool() async throws {
        let storage = try await SQLiteStorage.open(
            .memory, logger: Logger(label: "test"), liveLimits: .init(authSessions: 5, federationStates: 3))
        do {
            let now = Date()
            for id in ["p", "q"] {
                try await storage.createUserPool(
                    UserPool(
                        id: id, name: id, arn: "arn", creationDate: now, lastModifiedDate: now, settings: .init(), schema: [], tags: [:]))
            }
            for index in 0..<5 { try await storage.createSession(Self.session("s\(index)", expiresAt: now.addingTimeInterval(180))) }
            await #expect(throws: StorageError.capacityReached(family: "sign-in sessions")) {
                try await storage.createSession(Self.session("s5", expiresAt: now.addingTimeInterval(180)))
            }
            // Another pool has room; a taken session makes room in its own.
            var other = Self.session("q0", expiresAt: now.addingTimeInterval(180))
            other.poolID = "q"
            try await storage.createSession(other)
            _ = try await storage.takeSession(id: "s0")
            try await storage.createSession(Self.session("s5", expiresAt: now.addingTimeInterval(180)))

            func state(_ id: String, _ expiresAt: Date) -> FederationState {
                FederationState(
                    stateHash: id, poolID: "p", providerName: "P", authorizeQuery: ["client_id": "c"], nonce: "n", codeVerifier: "v",
                    expiresAt: expiresAt)
            }
            for index in 0..<3 { try await storage.createFederationState(state("f\(index)", now.addingTimeInterval(FederationState.lifetime))) }
            await #expect(throws: StorageError.capacityReached(family: "federation states")) {
                try await storage.createFederationState(state("f3", now.addingTimeInterval(FederationState.lifetime)))
            }
            // Half an hour on, those have expired and are no longer counted.
            let later = now.addingTimeInterval(2 * FederationState.lifetime + 1)
            try await storage.createFederationState(state("f4", later.addingTimeInterval(FederationState.lifetime)))
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
                _ = try await storage.appendMessage(
                    OutboxMessage(
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
