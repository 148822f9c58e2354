import CognateStorage
import Foundation
import SQLKit

/// `FederationStateStorage` in SQL: taken with one `DELETE … RETURNING`, so a provider's answer is used once.
extension SQLStorage {
    public func createFederationState(_ state: FederationState) async throws {
        let data = try Self.json(state)
        // Those that expired at least a lifetime before this one can no longer be live.
        let cutoff = state.expiresAt.timeIntervalSince1970 - FederationState.lifetime
        try await requireRoom(
            family: "federation states", limit: liveLimits.federationStates,
            "SELECT COUNT(*) AS n FROM federation_states WHERE pool_id = \(bind: state.poolID) AND expires_at > \(bind: cutoff)")
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: state.poolID)")
            try await db.raw(
                """
                INSERT INTO federation_states (state_hash, pool_id, expires_at, data)
                VALUES (\(bind: state.stateHash), \(bind: state.poolID), \(bind: state.expiresAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            try await db.raw("DELETE FROM federation_states WHERE expires_at < \(bind: cutoff - FederationState.lifetime)").run()
        }
    }

    public func takeFederationState(hash: String) async throws -> FederationState {
        try await transaction { db in
            try await Self.one(FederationState.self, db, "DELETE FROM federation_states WHERE state_hash = \(bind: hash) RETURNING data")
        }
    }
}
