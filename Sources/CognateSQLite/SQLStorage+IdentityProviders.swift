import CognateStorage
import SQLKit

/// `IdentityProviderStorage` in SQL: one row per pool and provider name, and one per identifier (unique
/// within the pool), kept in step with the provider's record inside each write.
extension SQLStorage {
    public func createIdentityProvider(_ provider: IdentityProvider) async throws {
        let data = try Self.json(provider)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: provider.poolID)")
            let taken = try await db.raw("""
                SELECT name FROM identity_providers WHERE pool_id = \(bind: provider.poolID) AND name = \(bind: provider.name)
                """).all()
            if !taken.isEmpty { throw StorageError.alreadyExists(key: "name") }
            try await db.raw("""
                INSERT INTO identity_providers (pool_id, name, data) VALUES (\(bind: provider.poolID), \(bind: provider.name), \(bind: data))
                """).run()
            try await Self.writeIdentifiers(db, provider)
        }
    }

    /// Replaces the provider's identifier rows; one another provider holds is `alreadyExists(key: "identifier")`.
    private static func writeIdentifiers(_ db: any SQLDatabase, _ provider: IdentityProvider) async throws {
        try await db.raw("""
            DELETE FROM identity_provider_identifiers WHERE pool_id = \(bind: provider.poolID) AND name = \(bind: provider.name)
            """).run()
        for identifier in Set(provider.identifiers) {
            let holder = try await db.raw("""
                SELECT name FROM identity_provider_identifiers WHERE pool_id = \(bind: provider.poolID) AND identifier = \(bind: identifier)
                """).all()
            if !holder.isEmpty { throw StorageError.alreadyExists(key: "identifier") }
            try await db.raw("""
                INSERT INTO identity_provider_identifiers (pool_id, identifier, name)
                VALUES (\(bind: provider.poolID), \(bind: identifier), \(bind: provider.name))
                """).run()
        }
    }

    public func identityProvider(poolID: String, name: String) async throws -> IdentityProvider {
        try await read { db in
            try await Self.one(
                IdentityProvider.self, db, "SELECT data FROM identity_providers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)")
        }
    }

    public func identityProvider(poolID: String, identifier: String) async throws -> IdentityProvider {
        try await read { db in
            try await Self.one(IdentityProvider.self, db, """
                SELECT p.data FROM identity_provider_identifiers i
                JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.name
                WHERE i.pool_id = \(bind: poolID) AND i.identifier = \(bind: identifier)
                """)
        }
    }

    public func listIdentityProviders(poolID: String, _ page: PageRequest) async throws -> Page<IdentityProvider> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM identity_providers WHERE pool_id = \(bind: poolID)"
            if let after {
                q.appendInterpolation(unsafeRaw: " AND name > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY name")
            return try await Self.page(IdentityProvider.self, db, q, limit: page.limit) { [$0.name] }
        }
    }

    public func updateIdentityProvider(
        poolID: String, name: String, _ change: @escaping @Sendable (inout IdentityProvider) throws -> Void
    ) async throws -> IdentityProvider {
        try await transaction { db in
            var provider = try await Self.one(
                IdentityProvider.self, db, "SELECT data FROM identity_providers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)")
            try change(&provider)
            provider.poolID = poolID
            provider.name = name
            let data = try Self.json(provider)
            try await db.raw("""
                UPDATE identity_providers SET data = \(bind: data) WHERE pool_id = \(bind: poolID) AND name = \(bind: name)
                """).run()
            try await Self.writeIdentifiers(db, provider)
            return provider
        }
    }

    public func deleteIdentityProvider(poolID: String, name: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT name FROM identity_providers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)")
            try await db.raw("DELETE FROM identity_provider_identifiers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)").run()
            try await db.raw("DELETE FROM identity_providers WHERE pool_id = \(bind: poolID) AND name = \(bind: name)").run()
        }
    }
}
