import CognateStorage
import SQLKit

/// `ResourceServerStorage` in SQL: one row per pool and identifier.
extension SQLStorage {
    static let resourceServers = PoolDocumentTable<ResourceServer>(
        table: "resource_servers", keyColumn: "identifier", poolID: \.poolID, key: \.identifier)

    public func createResourceServer(_ server: ResourceServer) async throws {
        try await Self.resourceServers.create(server, in: self)
    }

    public func resourceServer(poolID: String, identifier: String) async throws -> ResourceServer {
        try await Self.resourceServers.get(poolID: poolID, key: identifier, in: self)
    }

    public func listResourceServers(poolID: String, _ page: PageRequest) async throws -> Page<ResourceServer> {
        try await Self.resourceServers.list(poolID: poolID, page, in: self)
    }

    public func updateResourceServer(
        poolID: String, identifier: String, _ change: @escaping @Sendable (inout ResourceServer) throws -> Void
    ) async throws -> ResourceServer {
        try await Self.resourceServers.update(poolID: poolID, key: identifier, in: self, change)
    }

    public func deleteResourceServer(poolID: String, identifier: String) async throws {
        try await Self.resourceServers.delete(poolID: poolID, key: identifier, in: self)
    }
}
