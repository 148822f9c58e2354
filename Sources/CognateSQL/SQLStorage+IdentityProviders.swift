import CognateStorage
import SQLKit

/// `IdentityProviderStorage` in SQL: one row per pool and provider name, and one per identifier (unique
/// within the pool), kept in step with the provider's record inside each write.
extension SQLStorage {
    static let identityProviders = PoolDocumentTable<IdentityProvider>(
        table: "identity_providers", keyColumn: "name", poolID: \.poolID, key: \.name,
        duplicateKey: "name")

    public func createIdentityProvider(_ provider: IdentityProvider) async throws {
        try await Self.identityProviders.create(provider, in: self, alongside: Self.writeIdentifiers)
    }

    /// Replaces the provider's identifier rows; one another provider holds is `alreadyExists(key: "identifier")`.
    @Sendable private static func writeIdentifiers(_ db: any SQLDatabase, _ provider: IdentityProvider) async throws {
        try await db.raw(
            """
            DELETE FROM identity_provider_identifiers WHERE pool_id = \(bind: provider.poolID) AND name = \(bind: provider.name)
            """
        ).run()
        for identifier in Set(provider.identifiers) {
            let holder = try await db.raw(
                """
                SELECT name FROM identity_provider_identifiers WHERE pool_id = \(bind: provider.poolID) AND identifier = \(bind: identifier)
                """
            ).all()
            if !holder.isEmpty { throw StorageError.alreadyExists(key: "identifier") }
            try await db.raw(
                """
                INSERT INTO identity_provider_identifiers (pool_id, identifier, name)
                VALUES (\(bind: provider.poolID), \(bind: identifier), \(bind: provider.name))
                """
            ).run()
        }
    }

    public func identityProvider(poolID: String, name: String) async throws -> IdentityProvider {
        try await Self.identityProviders.get(poolID: poolID, key: name, in: self)
    }

    public func identityProvider(poolID: String, identifier: String) async throws -> IdentityProvider {
        try await read { db in
            try await Self.one(
                IdentityProvider.self, db,
                """
                SELECT p.data FROM identity_provider_identifiers i
                JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.name
                WHERE i.pool_id = \(bind: poolID) AND i.identifier = \(bind: identifier)
                """)
        }
    }

    public func listIdentityProviders(poolID: String, _ page: PageRequest) async throws -> Page<IdentityProvider> {
        try await Self.identityProviders.list(poolID: poolID, page, in: self)
    }

    public func updateIdentityProvider(
        poolID: String, name: String, _ change: @escaping @Sendable (inout IdentityProvider) throws -> Void
    ) async throws -> IdentityProvider {
        try await Self.identityProviders.update(poolID: poolID, key: name, in: self, change, alongside: Self.writeIdentifiers)
    }

    public func deleteIdentityProvider(poolID: String, name: String) async throws {
        try await Self.identityProviders.delete(poolID: poolID, key: name, in: self) { db in
            try await db.raw("DELETE FROM identity_provider_identifiers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)").run()
        }
    }
}
