import CognateStorage
import Foundation
import SQLKit

/// `FederationStateStorage` in SQL: taken with one `DELETE … RETURNING`, so a provider's answer is used once.
extension SQLStorage {
    public func createFederationState(_ state: FederationState) async throws {
        let data = try Self.json(state)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: state.poolID)")
            try await db.raw("""
                INSERT INTO federation_states (state_hash, pool_id, expires_at, data)
                VALUES (\(bind: state.stateHash), \(bind: state.poolID), \(bind: state.expiresAt.timeIntervalSince1970), \(bind: data))
                """).run()
            let cutoff = state.expiresAt.timeIntervalSince1970 - 2 * FederationState.lifetime
            try await db.raw("DELETE FROM federation_states WHERE expires_at < \(bind: cutoff)").run()
        }
    }

    public func takeFederationState(hash: String) async throws -> FederationState {
        try await transaction { db in
            try await Self.one(FederationState.self, db, "DELETE FROM federation_states WHERE state_hash = \(bind: hash) RETURNING data")
        }
    }
}
