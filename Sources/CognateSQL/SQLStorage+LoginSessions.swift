import CognateStorage
import Foundation
import SQLKit

/// `LoginSessionStorage` in SQL.
extension SQLStorage {
    public func createLoginSession(_ session: LoginSession) async throws {
        let data = try Self.json(session)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO login_sessions (session_hash, pool_id, username_key, expires_at, data)
                VALUES (\(bind: session.sessionHash), \(bind: session.poolID), \(bind: session.usernameKey),
                        \(bind: session.expiresAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            let cutoff = session.expiresAt.timeIntervalSince1970 - 2 * LoginSession.lifetime
            try await db.raw("DELETE FROM login_sessions WHERE expires_at < \(bind: cutoff)").run()
        }
    }

    public func loginSession(hash: String) async throws -> LoginSession {
        try await read { db in
            try await Self.one(LoginSession.self, db, "SELECT data FROM login_sessions WHERE session_hash = \(bind: hash)")
        }
    }

    public func deleteLoginSession(hash: String) async throws {
        try await transaction { db in
            try await db.raw("DELETE FROM login_sessions WHERE session_hash = \(bind: hash)").run()
        }
    }

    public func deleteLoginSessions(poolID: String, usernameKey: String) async throws {
        try await transaction { db in
            try await db.raw("DELETE FROM login_sessions WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)").run()
        }
    }
}
