import CognateStorage
import Foundation

extension StorageConformance {
    static let oauthSessionChecks: [String: Check] = [
        "authorizationCodesAreTakenOnce": authorizationCodesAreTakenOnce,
        "loginSessionsEndAndGoWithTheirUser": loginSessionsEndAndGoWithTheirUser,
    ]

    static func code(_ hash: String, user: String = "u1") -> AuthorizationCode {
        AuthorizationCode(
            codeHash: hash, poolID: "us-east-1_Pool1", clientID: "c1", usernameKey: user, redirectURI: "https://app.example.com/cb",
            scopes: ["openid", "email"], codeChallenge: "abc", nonce: "n", authTime: date, expiresAt: date.addingTimeInterval(300))
    }

    static func authorizationCodesAreTakenOnce(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u1"))
        try await s.createAuthorizationCode(code("h1"))
        // Concurrent takes of one code: exactly one wins.
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await s.takeAuthorizationCode(hash: "h1")) != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try expect(wins == 1, "one of eight concurrent takes wins, got \(wins)")
        try await s.createAuthorizationCode(code("h2"))
        try expect(try await s.takeAuthorizationCode(hash: "h2") == code("h2"), "read back whole")
        try await s.createAuthorizationCode(code("h3"))
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try await expectError(.notFound, "code of a deleted user") { _ = try await s.takeAuthorizationCode(hash: "h3") }
    }

    static func loginSessionsEndAndGoWithTheirUser(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUser(user("u1"))
        try await s.createUser(user("u2"))
        let session = LoginSession(
            sessionHash: "s1", poolID: "us-east-1_Pool1", usernameKey: "u1", authTime: date,
            expiresAt: date.addingTimeInterval(3600))
        try await s.createLoginSession(session)
        try await s.createLoginSession(
            LoginSession(
                sessionHash: "s2", poolID: "us-east-1_Pool1", usernameKey: "u1", authTime: date,
                expiresAt: date.addingTimeInterval(3600)))
        try await s.createLoginSession(
            LoginSession(
                sessionHash: "s3", poolID: "us-east-1_Pool1", usernameKey: "u2", authTime: date,
                expiresAt: date.addingTimeInterval(3600)))
        try expect(try await s.loginSession(hash: "s1") == session, "read back")
        try await s.deleteLoginSession(hash: "s1")
        try await s.deleteLoginSession(hash: "s1")
        try await expectError(.notFound, "ended session") { _ = try await s.loginSession(hash: "s1") }
        try await s.deleteLoginSessions(poolID: "us-east-1_Pool1", usernameKey: "u1")
        try await expectError(.notFound, "session of a signed-out user") { _ = try await s.loginSession(hash: "s2") }
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "u2")
        try await expectError(.notFound, "session of a deleted user") { _ = try await s.loginSession(hash: "s3") }
    }
}
