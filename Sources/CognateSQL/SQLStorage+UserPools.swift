import CognateStorage
import SQLKit

/// User pools: pools, their limits, and what deleting one removes.
extension SQLStorage {
    public func createUserPool(_ pool: UserPool) async throws {
        let data = try Self.json(pool)
        try await transaction { db in
            try await db.raw("INSERT INTO user_pools (id, name, data) VALUES (\(bind: pool.id), \(bind: pool.name), \(bind: data))").run()
        } committed: { _ in
            self.cache.storeUserCount(0, poolID: pool.id)
        }
    }

    public func userPool(id: String) async throws -> UserPool {
        try await validateCache()
        if let pool = cache.pool(id) { return pool }
        let generation = cache.generation
        return try await read { db in
            let pool = try await Self.one(UserPool.self, db, "SELECT data FROM user_pools WHERE id = \(bind: id)")
            self.cache.store(pool, since: generation)
            return pool
        }
    }

    public func listUserPools(_ page: PageRequest) async throws -> Page<UserPool> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            // Every pool: the constant condition only opens the WHERE clause the page adds to.
            var q: SQLQueryString = "SELECT data FROM user_pools WHERE 1 = 1"
            q.appendPage(after: after, orderedBy: ["id"])
            return try await Self.page(UserPool.self, db, q, limit: page.limit) { [$0.id] }
        }
    }

    public func updateUserPool(id: String, _ change: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool {
        try await transaction(changingCachedRecords: true) { db in
            var pool = try await Self.one(UserPool.self, db, "SELECT data FROM user_pools WHERE id = \(bind: id)")
            try change(&pool)
            pool.id = id
            let data = try Self.json(pool)
            try await db.raw("UPDATE user_pools SET name = \(bind: pool.name), data = \(bind: data) WHERE id = \(bind: id)").run()
            return pool
        } committed: {
            self.cache.store($0)
        }
    }

    public func deleteUserPool(id: String) async throws {
        try await transaction(changingCachedRecords: true) { db in
            try await Self.requireRow(db, "SELECT id AS data FROM user_pools WHERE id = \(bind: id)")
            try await db.raw("DELETE FROM user_pools WHERE id = \(bind: id)").run()
        } committed: { _ in
            self.cache.forgetPool(id)
            self.users.forgetAll { $0.poolID == id }
            self.refreshTokens.forgetAll { $0.poolID == id }
        }
    }

    static func requireRow(_ db: any SQLDatabase, _ query: SQLQueryString) async throws {
        guard try await db.raw(query).first() != nil else { throw StorageError.notFound }
    }

    /// Refuses a write to a family that anonymous callers fill once `count` (a query answering `n`) has
    /// reached `limit`. Read apart from the write's transaction: the bound is for floods, and may be passed
    /// by the writes that race it, while keeping concurrent sign-ins from conflicting over the count.
    func requireRoom(family: String, limit: Int, _ count: SQLQueryString) async throws {
        let live = try await read { db in try await db.raw(count).first(decodingColumn: "n", as: Int.self) ?? 0 }
        guard live < limit else { throw StorageError.capacityReached(family: family) }
    }
}
