import CognateStorage
import Foundation
import SQLKit

/// `UserSessionStorage` in SQL: no cache, so every node of a shared database sees a revocation at once.
extension SQLStorage {
    public func createUserSession(_ session: UserSession) async throws {
        let data = try Self.json(session)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO user_sessions (id, pool_id, username_key, login_session_hash, data)
                VALUES (\(bind: session.id), \(bind: session.poolID), \(bind: session.usernameKey), \(bind: session.loginSessionHash),
                        \(bind: data))
                """
            ).run()
        }
    }

    public func userSession(id: String) async throws -> UserSession {
        try await read { db in
            try await Self.one(UserSession.self, db, "SELECT data FROM user_sessions WHERE id = \(bind: id)")
        }
    }

    public func userSession(loginSessionHash: String) async throws -> UserSession {
        try await read { db in
            try await Self.one(UserSession.self, db, "SELECT data FROM user_sessions WHERE login_session_hash = \(bind: loginSessionHash)")
        }
    }

    public func userSessions(poolID: String, usernameKey: String) async throws -> [UserSession] {
        try await read { db in
            try await db.raw("SELECT data FROM user_sessions WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
                .all(decodingColumn: "data", as: String.self)
                .map { try Self.record(UserSession.self, $0) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func updateUserSession(id: String, _ change: @escaping @Sendable (inout UserSession) throws -> Void) async throws -> UserSession {
        try await transaction { db in
            var session = try await Self.one(UserSession.self, db, "SELECT data FROM user_sessions WHERE id = \(bind: id)")
            try change(&session)
            session.id = id
            let data = try Self.json(session)
            try await db.raw(
                """
                UPDATE user_sessions SET login_session_hash = \(bind: session.loginSessionHash), data = \(bind: data) WHERE id = \(bind: id)
                """
            ).run()
            return session
        }
    }

    public func deleteUserSession(id: String) async throws {
        try await transaction { db in
            try await db.raw("DELETE FROM user_sessions WHERE id = \(bind: id)").run()
        }
    }
}
