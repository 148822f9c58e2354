import CognateStorage
import SQLKit

/// `BrandingStyleStorage` in SQL: a unique index keeps one style per client.
extension SQLStorage {
    static let brandingStyles = PoolDocumentTable<BrandingStyle>(
        table: "branding_styles", keyColumn: "branding_id", poolID: \.poolID, key: \.brandingID,
        fixed: [\.clientID],
        columns: { [("client_id", $0.clientID)] })

    public func createBrandingStyle(_ style: BrandingStyle) async throws {
        try await Self.brandingStyles.create(style, in: self)
    }

    public func brandingStyle(poolID: String, brandingID: String) async throws -> BrandingStyle {
        try await Self.brandingStyles.get(poolID: poolID, key: brandingID, in: self)
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
        try await Self.brandingStyles.update(poolID: poolID, key: brandingID, in: self, change)
    }

    public func deleteBrandingStyle(poolID: String, brandingID: String) async throws {
        try await Self.brandingStyles.delete(poolID: poolID, key: brandingID, in: self)
    }
}
