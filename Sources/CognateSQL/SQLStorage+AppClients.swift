import CognateStorage
import SQLKit

/// App clients, found by pool and ID or by ID alone (client IDs are unique across pools), and cached.
extension SQLStorage {
    static let appClients = PoolDocumentTable<AppClient>(
        table: "app_clients", keyColumn: "client_id", poolID: \.poolID, key: \.clientID)

    public func createAppClient(_ client: AppClient) async throws {
        try await Self.appClients.create(client, in: self)
    }

    public func appClient(poolID: String, clientID: String) async throws -> AppClient {
        let client = try await appClient(clientID: clientID)
        guard client.poolID == poolID else { throw StorageError.notFound }
        return client
    }

    public func appClient(clientID: String) async throws -> AppClient {
        try await validateCache()
        if let client = cache.client(clientID) { return client }
        let generation = cache.generation
        return try await read { db in
            let client = try await Self.one(AppClient.self, db, "SELECT data FROM app_clients WHERE client_id = \(bind: clientID)")
            self.cache.store(client, since: generation)
            return client
        }
    }

    public func listAppClients(poolID: String, _ page: PageRequest) async throws -> Page<AppClient> {
        try await Self.appClients.list(poolID: poolID, page, in: self)
    }

    public func updateAppClient(
        poolID: String, clientID: String, _ change: @escaping @Sendable (inout AppClient) throws -> Void
    ) async throws -> AppClient {
        try await Self.appClients.update(poolID: poolID, key: clientID, in: self, cached: true, change, committed: { self.cache.store($0) })
    }

    public func deleteAppClient(poolID: String, clientID: String) async throws {
        try await Self.appClients.delete(
            poolID: poolID, key: clientID, in: self, cached: true,
            before: { db in
                // The client's branding style goes with it,
                try await db.raw("DELETE FROM branding_styles WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)").run()
                // and so does its risk configuration.
                try await db.raw("DELETE FROM risk_configurations WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)").run()
            },
            committed: { self.cache.forgetClient(clientID) })
    }
}
