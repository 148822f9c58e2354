import CognateStorage
import SQLKit

/// `ResourceServerStorage` in SQL: one row per pool and identifier.
extension SQLStorage {
    public func createResourceServer(_ server: ResourceServer) async throws {
        let data = try Self.json(server)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: server.poolID)")
            try await db.raw("""
                INSERT INTO resource_servers (pool_id, identifier, data)
                VALUES (\(bind: server.poolID), \(bind: server.identifier), \(bind: data))
                """).run()
        }
    }

    public func resourceServer(poolID: String, identifier: String) async throws -> ResourceServer {
        try await read { db in
            try await Self.one(
                ResourceServer.self, db, "SELECT data FROM resource_servers WHERE pool_id = \(bind: poolID) AND identifier = \(bind: identifier)")
        }
    }

    public func listResourceServers(poolID: String, _ page: PageRequest) async throws -> Page<ResourceServer> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM resource_servers WHERE pool_id = \(bind: poolID)"
            if let after {
                q.appendInterpolation(unsafeRaw: " AND identifier > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY identifier")
            return try await Self.page(ResourceServer.self, db, q, limit: page.limit) { [$0.identifier] }
        }
    }

    public func updateResourceServer(
        poolID: String, identifier: String, _ change: @escaping @Sendable (inout ResourceServer) throws -> Void
    ) async throws -> ResourceServer {
        try await transaction { db in
            var server = try await Self.one(
                ResourceServer.self, db, "SELECT data FROM resource_servers WHERE pool_id = \(bind: poolID) AND identifier = \(bind: identifier)")
            try change(&server)
            server.poolID = poolID
            server.identifier = identifier
            let data = try Self.json(server)
            try await db.raw("""
                UPDATE resource_servers SET data = \(bind: data) WHERE pool_id = \(bind: poolID) AND identifier = \(bind: identifier)
                """).run()
            return server
        }
    }

    public func deleteResourceServer(poolID: String, identifier: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT identifier FROM resource_servers WHERE pool_id = \(bind: poolID) AND identifier = \(bind: identifier)")
            try await db.raw("DELETE FROM resource_servers WHERE pool_id = \(bind: poolID) AND identifier = \(bind: identifier)").run()
        }
    }
}
