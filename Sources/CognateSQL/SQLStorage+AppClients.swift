import CognateStorage
import Foundation
import SQLKit

/// App clients, found by pool and ID or by ID alone.
extension SQLStorage {
    public func createAppClient(_ client: AppClient) async throws {
        let data = try Self.json(client)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: client.poolID)")
            try await db.raw(
                """
                INSERT INTO app_clients (client_id, pool_id, data)
                VALUES (\(bind: client.clientID), \(bind: client.poolID), \(bind: data))
                """
            ).run()
        }
    }

    public func appClient(poolID: String, clientID: String) async throws -> AppClient {
        let client = try await appClient(clientID: clientID)
        guard client.poolID == poolID else { throw StorageError.notFound }
        return client
    }

    public func appClient(clientID: String) async throws -> AppClient {
        if let client = cache.client(clientID) { return client }
        let generation = cache.generation
        return try await read { db in
            let client = try await Self.one(AppClient.self, db, "SELECT data FROM app_clients WHERE client_id = \(bind: clientID)")
            self.cache.store(client, since: generation)
            return client
        }
    }

    public func listAppClients(poolID: String, _ page: PageRequest) async throws -> Page<AppClient> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID)"
            if let after { q = "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id > \(bind: after[0])" }
            q.appendInterpolation(unsafeRaw: " ORDER BY client_id")
            return try await Self.page(AppClient.self, db, q, limit: page.limit) { [$0.clientID] }
        }
    }

    public func updateAppClient(
        poolID: String, clientID: String, _ change: @escaping @Sendable (inout AppClient) throws -> Void
    ) async throws -> AppClient {
        try await transaction { db in
            var client = try await Self.one(
                AppClient.self, db, "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
            try change(&client)
            client.poolID = poolID
            client.clientID = clientID
            let data = try Self.json(client)
            try await db.raw("UPDATE app_clients SET data = \(bind: data) WHERE client_id = \(bind: clientID)").run()
            return client
        } committed: {
            self.cache.store($0)
        }
    }

    public func deleteAppClient(poolID: String, clientID: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT client_id FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
            try await db.raw("DELETE FROM app_clients WHERE client_id = \(bind: clientID)").run()
            // The client's branding style goes with it.
            try await db.raw("DELETE FROM branding_styles WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)").run()
        } committed: { _ in
            self.cache.forgetClient(clientID)
        }
    }
}
