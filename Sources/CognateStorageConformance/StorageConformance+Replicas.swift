import CognateStorage
import Foundation

extension StorageConformance {
    static let replicaChecks: [String: Check] = [
        "replicasAreKeptPerPoolAndRegionAndGoWithThePool": replicasAreKeptPerPoolAndRegionAndGoWithThePool
    ]

    static func replicasAreKeptPerPoolAndRegionAndGoWithThePool(_ s: any Storage) async throws {
        func replica(_ region: String, pool: String = "us-east-1_Pool1") -> UserPoolReplica {
            UserPoolReplica(poolID: pool, region: region, status: .inactive, tags: ["team": "id"], creationDate: date, lastModifiedDate: date)
        }
        try await expectError(.notFound, "a replica needs its pool") { try await s.createReplica(replica("us-west-2")) }
        try await s.createUserPool(pool())
        try await s.createUserPool(pool("us-east-1_Pool2"))
        try await s.createReplica(replica("us-west-2"))
        try await s.createReplica(replica("eu-west-1"))
        try await s.createReplica(replica("us-west-2", pool: "us-east-1_Pool2"))
        try await expectError(.alreadyExists(key: "RegionName"), "one replica a Region") { try await s.createReplica(replica("us-west-2")) }
        try expect(
            try await s.replicas(poolID: "us-east-1_Pool1") == [replica("eu-west-1"), replica("us-west-2")], "read back whole, in Region order")
        let all = try await s.allReplicas(limit: 10)
        let bounded = try await s.allReplicas(limit: 2)
        try expect(all.count == 3 && bounded.count == 2, "every pool's, bounded")
        let active = try await s.updateReplica(poolID: "us-east-1_Pool1", region: "us-west-2") { replica in
            replica.status = .active
            replica.region = "moved"
        }
        try expect(active.status == .active && active.region == "us-west-2", "changed in its own Region")
        try await expectError(.notFound, "an unknown Region") {
            try await s.updateReplica(poolID: "us-east-1_Pool1", region: "ap-south-1") { $0.status = .active }
        }
        try await s.deleteReplica(poolID: "us-east-1_Pool1", region: "eu-west-1")
        try await expectError(.notFound, "deleted twice") { try await s.deleteReplica(poolID: "us-east-1_Pool1", region: "eu-west-1") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try expect(try await s.allReplicas(limit: 10).map(\.poolID) == ["us-east-1_Pool2"], "a pool's replicas go with it")
    }
}
