import CognateStorage
import CognitoModel
import Foundation

extension StorageConformance {
    static let resourceServerChecks: [String: Check] = [
        "resourceServersCRUDAndPages": resourceServersCRUDAndPages
    ]

    static func resourceServer(_ identifier: String, pool: String = "us-east-1_Pool1") -> ResourceServer {
        ResourceServer(
            poolID: pool, identifier: identifier, name: "api \(identifier)",
            scopes: [ResourceServerScopeType(scopeName: "read", scopeDescription: "Read")])
    }

    static func resourceServersCRUDAndPages(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.notFound, "server of a missing pool") {
            try await s.createResourceServer(resourceServer("x", pool: "us-east-1_None"))
        }
        for identifier in ["https://api.example.com", "billing", "orders"] { try await s.createResourceServer(resourceServer(identifier)) }
        try await expectError(.alreadyExists(key: ""), "same identifier twice") { try await s.createResourceServer(resourceServer("billing")) }
        try expect(try await s.resourceServer(poolID: "us-east-1_Pool1", identifier: "billing").scopeNames == ["billing/read"], "scope names")
        let first = try await s.listResourceServers(poolID: "us-east-1_Pool1", PageRequest(limit: 2))
        try expect(first.items.map(\.identifier) == ["billing", "https://api.example.com"] && first.nextToken != nil, "first page")
        let second = try await s.listResourceServers(poolID: "us-east-1_Pool1", PageRequest(token: first.nextToken, limit: 2))
        try expect(second.items.map(\.identifier) == ["orders"] && second.nextToken == nil, "last page")
        try await s.updateResourceServer(poolID: "us-east-1_Pool1", identifier: "orders") {
            $0.name = "Orders"
            $0.identifier = "renamed"
        }
        let orders = try await s.resourceServer(poolID: "us-east-1_Pool1", identifier: "orders")
        try expect(orders.name == "Orders", "update is stored, identifier kept")
        try await s.deleteResourceServer(poolID: "us-east-1_Pool1", identifier: "orders")
        try await expectError(.notFound, "deleted server") { _ = try await s.resourceServer(poolID: "us-east-1_Pool1", identifier: "orders") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try expect(try await s.listResourceServers(poolID: "us-east-1_Pool1", PageRequest(limit: 10)).items.isEmpty, "deleted with the pool")
    }
}
