import CognateStorage
import Foundation
import SQLKit

/// `BrandingStyleStorage` in SQL: a unique index keeps one style per client.
extension SQLStorage {
    public func createBrandingStyle(_ style: BrandingStyle) async throws {
        let data = try Self.json(style)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: style.poolID)")
            try await db.raw("""
                INSERT INTO branding_styles (pool_id, branding_id, client_id, data)
                VALUES (\(bind: style.poolID), \(bind: style.brandingID), \(bind: style.clientID), \(bind: data))
                """).run()
        }
    }

    public func brandingStyle(poolID: String, brandingID: String) async throws -> BrandingStyle {
        try await read { db in
            try await Self.one(
                BrandingStyle.self, db, "SELECT data FROM branding_styles WHERE pool_id = \(bind: poolID) AND branding_id = \(bind: brandingID)")
        }
    }

    public func brandingStyle(poolID: String, clientID: String) async throws -> BrandingStyle {
        try await read { db in
            try await Self.one(
                BrandingStyle.self, db, "SELECT data FROM branding_styles WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
        }
    }

    public func updateBrandingStyle(
        poolID: String, brandingID: String, _ change: @escaping @Sendable (inout BrandingStyle) throws -> Void
    ) async throws -> BrandingStyle {
        try await transaction { db in
            let stored = try await Self.one(
                BrandingStyle.self, db, "SELECT data FROM branding_styles WHERE pool_id = \(bind: poolID) AND branding_id = \(bind: brandingID)")
            var style = stored
            try change(&style)
            style.poolID = stored.poolID
            style.brandingID = stored.brandingID
            style.clientID = stored.clientID
            let data = try Self.json(style)
            try await db.raw("UPDATE branding_styles SET data = \(bind: data) WHERE pool_id = \(bind: poolID) AND branding_id = \(bind: brandingID)")
                .run()
            return style
        }
    }

    public func deleteBrandingStyle(poolID: String, brandingID: String) async throws {
        try await transaction { db in
            try await Self.requireRow(
                db, "SELECT branding_id FROM branding_styles WHERE pool_id = \(bind: poolID) AND branding_id = \(bind: brandingID)")
            try await db.raw("DELETE FROM branding_styles WHERE pool_id = \(bind: poolID) AND branding_id = \(bind: brandingID)").run()
        }
    }
}
