import CognateStorage
import SQLKit

/// `UICustomizationStorage` in SQL: one row per pool and client.
extension SQLStorage {
    public func putUICustomization(_ customization: UICustomization) async throws {
        let data = try Self.json(customization)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: customization.poolID)")
            try await db.raw(
                """
                INSERT INTO ui_customizations (pool_id, client_id, data)
                VALUES (\(bind: customization.poolID), \(bind: customization.clientID), \(bind: data))
                ON CONFLICT (pool_id, client_id) DO UPDATE SET data = excluded.data
                """
            ).run()
        }
    }

    public func uiCustomization(poolID: String, clientID: String) async throws -> UICustomization {
        try await read { db in
            try await Self.one(
                UICustomization.self, db, "SELECT data FROM ui_customizations WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
        }
    }
}
