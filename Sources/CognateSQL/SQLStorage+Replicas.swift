import CognateStorage
import Foundation
import SQLKit

/// `UserPoolReplicaStorage` in SQL: one row per pool and Region.
extension SQLStorage {
    static let replicaTable = PoolDocumentTable<UserPoolReplica>(
        table: "user_pool_replicas", keyColumn: "region", poolID: \.poolID, key: \.region, duplicateKey: "RegionName")

    public func createReplica(_ replica: UserPoolReplica) async throws {
        try await Self.replicaTable.create(replica, in: self)
    }

    public func replicas(poolID: String) async throws -> [UserPoolReplica] {
        try await read { db in
            try await db.raw("SELECT data FROM user_pool_replicas WHERE pool_id = \(bind: poolID) ORDER BY region")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(UserPoolReplica.self, $0) }
        }
    }

    public func allReplicas(limit: Int) async throws -> [UserPoolReplica] {
        try await Self.replicaTable.all(limit: limit, in: self)
    }

    @discardableResult
    public func updateReplica(poolID: String, region: String, _ change: @escaping @Sendable (inout UserPoolReplica) throws -> Void) async throws
        -> UserPoolReplica
    {
        try await Self.replicaTable.update(poolID: poolID, key: region, in: self, change)
    }

    public func deleteReplica(poolID: String, region: String) async throws {
        try await Self.replicaTable.delete(poolID: poolID, key: region, in: self)
    }
}
