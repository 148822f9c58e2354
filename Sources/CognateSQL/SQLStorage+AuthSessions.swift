import CognateStorage
import Foundation
import SQLKit
import Synchronization

/// Sign-in sessions, taken once.
extension SQLStorage {
    public func createSession(_ session: AuthSession) async throws {
        let data = try Self.json(session)
        let sweep = sessionsCreated.add(1, ordering: .relaxed).oldValue % Self.sessionsPerSweep == 0
        let cutoff = session.expiresAt.timeIntervalSince1970 - AuthSession.maxLifetime
        try await requireRoom(
            family: "sign-in sessions", limit: liveLimits.authSessions,
            "SELECT COUNT(*) AS n FROM auth_sessions WHERE pool_id = \(bind: session.poolID) AND expires_at > \(bind: cutoff)")
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO auth_sessions (id, pool_id, expires_at, data)
                VALUES (\(bind: session.id), \(bind: session.poolID), \(bind: session.expiresAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            // Sessions are short-lived; sweeping the expired ones now and then keeps the table small. A new
            // session expires at most `maxSessionLifetime` from now, so whatever expires that long before it
            // has expired already.
            if sweep {
                try await db.raw("DELETE FROM auth_sessions WHERE expires_at < \(bind: cutoff)").run()
            }
        }
    }

    public func takeSession(id: String) async throws -> AuthSession {
        try await transaction { db in
            try await Self.one(AuthSession.self, db, "DELETE FROM auth_sessions WHERE id = \(bind: id) RETURNING data")
        }
    }
}
