import CognateStorage
import Foundation

extension StorageConformance {
    static let userSessionChecks: [String: Check] = [
        "userSessionsAreKeptUpdatedAndEnded": userSessionsAreKeptUpdatedAndEnded
    ]

    static func session(_ id: String, _ kind: UserSession.Kind, user: String = "u1", login: String? = nil, at offset: TimeInterval = 0)
        -> UserSession
    {
        UserSession(
            id: id, kind: kind, poolID: "us-east-1_Pool1", usernameKey: user, clientID: "c1", loginSessionHash: login,
            createdAt: date.addingTimeInterval(offset), lastActiveAt: date.addingTimeInterval(offset), deviceType: "unknown",
            lastIPAddress: "192.0.2.1", expiresAt: date.addingTimeInterval(3600))
    }

    static func userSessionsAreKeptUpdatedAndEnded(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        let sso = session("sso" + String(repeating: "a", count: 25), .sso, login: "hash1")
        let token = session("tkn" + String(repeating: "b", count: 25), .token, at: 10)
        try await s.createUserSession(token)
        try await s.createUserSession(sso)
        try await s.createUserSession(session("tkn" + String(repeating: "c", count: 25), .token, user: "u2"))
        try expect(try await s.userSession(id: token.id) == token, "read back whole")
        try expect(try await s.userSession(loginSessionHash: "hash1") == sso, "found by its cookie session")
        try expect(
            try await s.userSessions(poolID: "us-east-1_Pool1", usernameKey: "u1").map(\.id) == [sso.id, token.id], "the user's, oldest first")
        let later = date.addingTimeInterval(60)
        let updated = try await s.updateUserSession(id: token.id) {
            $0.lastActiveAt = later
            $0.originSessionID = sso.id
        }
        try expect(updated.lastActiveAt == later && updated.originSessionID == sso.id, "updated")
        try expect(try await s.userSession(id: token.id) == updated, "update stored")
        try await s.deleteUserSession(id: token.id)
        try await s.deleteUserSession(id: token.id)
        try await expectError(.notFound, "ended session") { _ = try await s.userSession(id: token.id) }
        try await expectError(.notFound, "update of an ended session") { _ = try await s.updateUserSession(id: token.id) { _ in } }
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try expect(try await s.userSessions(poolID: "us-east-1_Pool1", usernameKey: "u1").isEmpty, "a deleted user's sessions go with them")
        try await expectError(.notFound, "SSO session of a deleted user") { _ = try await s.userSession(loginSessionHash: "hash1") }
        try expect(try await s.userSessions(poolID: "us-east-1_Pool1", usernameKey: "u2").count == 1, "another user's stay")
    }
}
