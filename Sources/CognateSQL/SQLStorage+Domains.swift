import CognateStorage
import SQLKit

/// `DomainStorage` in SQL: one row per domain name, at most one per pool and kind (a unique index). Each
/// pool's list is cached; every domain write forgets the cached lists once it commits.
extension SQLStorage {
    public func createDomain(_ domain: UserPoolDomain) async throws {
        let data = try Self.json(domain)
        try await transaction(changingCachedRecords: true) { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: domain.poolID)")
            try await db.raw(
                """
                INSERT INTO user_pool_domains (domain, pool_id, kind, data)
                VALUES (\(bind: domain.domain), \(bind: domain.poolID), \(bind: domain.kind.rawValue), \(bind: data))
                """
            ).run()
        } committed: { _ in
            self.cache.forgetDomains()
        }
    }

    public func domain(name: String) async throws -> UserPoolDomain {
        try await read { db in
            try await Self.one(UserPoolDomain.self, db, "SELECT data FROM user_pool_domains WHERE domain = \(bind: name)")
        }
    }

    public func domains(poolID: String) async throws -> [UserPoolDomain] {
        try await validateCache()
        if let known = cache.domains(poolID) { return known }
        let generation = cache.generation
        return try await read { db in
            let domains = try await db.raw("SELECT data FROM user_pool_domains WHERE pool_id = \(bind: poolID) ORDER BY kind DESC")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(UserPoolDomain.self, $0) }
            self.cache.storeDomains(domains, poolID: poolID, since: generation)
            return domains
        }
    }

    public func updateDomain(name: String, _ change: @escaping @Sendable (inout UserPoolDomain) throws -> Void) async throws -> UserPoolDomain {
        try await transaction(changingCachedRecords: true) { db in
            let stored = try await Self.one(UserPoolDomain.self, db, "SELECT data FROM user_pool_domains WHERE domain = \(bind: name)")
            var domain = stored
            try change(&domain)
            domain.domain = stored.domain
            domain.poolID = stored.poolID
            domain.kind = stored.kind
            let data = try Self.json(domain)
            try await db.raw("UPDATE user_pool_domains SET data = \(bind: data) WHERE domain = \(bind: name)").run()
            return domain
        } committed: { _ in
            self.cache.forgetDomains()
        }
    }

    public func deleteDomain(name: String) async throws {
        try await transaction(changingCachedRecords: true) { db in
            try await Self.requireRow(db, "SELECT domain FROM user_pool_domains WHERE domain = \(bind: name)")
            try await db.raw("DELETE FROM user_pool_domains WHERE domain = \(bind: name)").run()
        } committed: { _ in
            self.cache.forgetDomains()
        }
    }
}
