import CognateStorage
import Foundation
import SQLKit

/// Each pool's signing keys.
extension SQLStorage {
    public func ensureSigningKey(_ candidate: SigningKey) async throws -> SigningKey {
        let data = try Self.json(candidate)
        return try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: candidate.poolID)")
            if let existing = try await db.raw(
                """
                SELECT data FROM signing_keys WHERE pool_id = \(bind: candidate.poolID) ORDER BY created_at DESC LIMIT 1
                """
            ).first(decodingColumn: "data", as: String.self) {
                return try Self.record(SigningKey.self, existing)
            }
            try await db.raw(
                """
                INSERT INTO signing_keys (pool_id, kid, created_at, data)
                VALUES (\(bind: candidate.poolID), \(bind: candidate.kid), \(bind: candidate.createdAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            return candidate
        }
    }

    public func signingKeys(poolID: String) async throws -> [SigningKey] {
        try await read { db in
            try await db.raw("SELECT data FROM signing_keys WHERE pool_id = \(bind: poolID) ORDER BY created_at DESC")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(SigningKey.self, $0) }
        }
    }
}
