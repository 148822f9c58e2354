import CognateStorage
import CognitoModel
import Foundation

extension StorageConformance {
    static let riskConfigurationChecks: [String: Check] = [
        "riskConfigurationsArePerPoolAndClient": riskConfigurationsArePerPoolAndClient
    ]

    static let authEventChecks: [String: Check] = [
        "authEventsAreListedNewestFirstAndBounded": authEventsAreListedNewestFirstAndBounded,
        "authEventsAreUpdatedAndGoWithTheUser": authEventsAreUpdatedAndGoWithTheUser,
    ]

    static func riskConfigurationsArePerPoolAndClient(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createAppClient(client("c1"))
        try await s.createAppClient(client("c2"))
        let blocking = CompromisedCredentialsRiskConfigurationType(actions: CompromisedCredentialsActionsType(eventAction: .block))
        let poolLevel = RiskConfiguration(poolID: "us-east-1_Pool1", clientID: nil, compromisedCredentials: blocking, lastModifiedDate: date)
        var clientLevel = RiskConfiguration(
            poolID: "us-east-1_Pool1", clientID: "c1", exceptions: RiskExceptionConfigurationType(blockedIPRangeList: ["192.0.2.0/24"]),
            lastModifiedDate: date)
        try await expectError(.notFound, "nothing stored yet") { _ = try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: nil) }
        try await s.putRiskConfiguration(poolLevel)
        try await s.putRiskConfiguration(clientLevel)
        try expect(try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: nil) == poolLevel, "the pool's, whole")
        try expect(try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: "c1") == clientLevel, "the client's, apart")
        try await expectError(.notFound, "a client without one") { _ = try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: "c2") }
        clientLevel.exceptions = nil
        clientLevel.lastModifiedDate = date.addingTimeInterval(5)
        try await s.putRiskConfiguration(clientLevel)
        try expect(try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: "c1") == clientLevel, "replaced whole")
        try await expectError(.notFound, "a pool that does not exist") {
            try await s.putRiskConfiguration(RiskConfiguration(poolID: "us-east-1_Missing", clientID: nil, lastModifiedDate: date))
        }
        try await s.deleteAppClient(poolID: "us-east-1_Pool1", clientID: "c1")
        try await expectError(.notFound, "a deleted client's") { _ = try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: "c1") }
        try await s.deleteRiskConfiguration(poolID: "us-east-1_Pool1", clientID: nil)
        try await s.deleteRiskConfiguration(poolID: "us-east-1_Pool1", clientID: nil)
        try await expectError(.notFound, "deleted") { _ = try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: nil) }
        try await s.putRiskConfiguration(poolLevel)
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try await expectError(.notFound, "a deleted pool's") { _ = try await s.riskConfiguration(poolID: "us-east-1_Pool1", clientID: nil) }
    }

    static func authEvent(_ id: String, user: String = "u1", at offset: TimeInterval) -> AuthEvent {
        AuthEvent(
            id: id, poolID: "us-east-1_Pool1", usernameKey: user, clientID: "c1", type: .signIn, createdAt: date.addingTimeInterval(offset),
            response: .pass, risk: EventRiskType(riskDecision: .noRisk, compromisedCredentialsDetected: false),
            challenges: [ChallengeResponseType(challengeName: .password, challengeResponse: .success)],
            context: EventContextDataType(ipAddress: "192.0.2.1"))
    }

    static func authEventsAreListedNewestFirstAndBounded(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        // In the order recorded, whatever the times (a clock that stands still gives them all one).
        for (id, offset) in [("e1", 0.0), ("e3", 10), ("e2", 10), ("e4", 10)] { try await s.appendAuthEvent(authEvent(id, at: offset)) }
        try await s.appendAuthEvent(authEvent("other", user: "u2", at: 30))
        let all = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: nil, limit: 10)
        try expect(all.map(\.id) == ["e4", "e2", "e3", "e1"], "newest first")
        try expect(all[0] == authEvent("e4", at: 10), "read back whole")
        let first = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: nil, limit: 2)
        try expect(first.map(\.id) == ["e4", "e2"], "a first page")
        let second = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: "e2", limit: 2)
        try expect(second.map(\.id) == ["e3", "e1"], "the page after")
        try expect(try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: "e1", limit: 2).isEmpty, "nothing past the last")
        try await expectError(.invalidPageToken, "after an event of another user") {
            _ = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: "other", limit: 2)
        }
        // The newest `retainedPerUser` are kept, and nothing older than the retention.
        for index in 0..<AuthEvent.retainedPerUser {
            try await s.appendAuthEvent(authEvent(String(format: "n%04d", index), at: 100 + Double(index)))
        }
        let kept = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: nil, limit: AuthEvent.retainedPerUser + 10)
        try expect(kept.count == AuthEvent.retainedPerUser && kept.last?.id == "n0000", "bounded to the newest")
        try await s.appendAuthEvent(authEvent("late", at: AuthEvent.retention + 350))
        let late = try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: nil, limit: AuthEvent.retainedPerUser)
        try expect(late.count == 251 && late.first?.id == "late" && late.last?.id == "n0250", "older than the retention: gone")
        try expect(try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u2", after: nil, limit: 10).count == 1, "another user's stay")
    }

    static func authEventsAreUpdatedAndGoWithTheUser(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        try await s.appendAuthEvent(authEvent("e1", at: 0))
        try await expectError(.notFound, "another user's event") { _ = try await s.authEvent(poolID: "us-east-1_Pool1", usernameKey: "u2", id: "e1") }
        let feedback = EventFeedbackType(feedbackValue: .invalid, provider: "Admin", feedbackDate: date.addingTimeInterval(60))
        let updated = try await s.updateAuthEvent(poolID: "us-east-1_Pool1", usernameKey: "u1", id: "e1") { $0.feedback = feedback }
        try expect(updated.feedback == feedback, "updated")
        try expect(try await s.authEvent(poolID: "us-east-1_Pool1", usernameKey: "u1", id: "e1") == updated, "update stored")
        try await expectError(.notFound, "update of an unknown event") {
            _ = try await s.updateAuthEvent(poolID: "us-east-1_Pool1", usernameKey: "u2", id: "e1") { _ in }
        }
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try await s.createUser(user("u1"))
        try expect(
            try await s.authEvents(poolID: "us-east-1_Pool1", usernameKey: "u1", after: nil, limit: 10).isEmpty, "a deleted user's events go")
    }
}
