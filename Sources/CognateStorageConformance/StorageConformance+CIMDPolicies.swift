import CognateStorage
import Foundation

extension StorageConformance {
    static let cimdPolicyChecks: [String: Check] = [
        "cimdPoliciesAreKeptPerPoolAndOutliveTheirClient": cimdPoliciesAreKeptPerPoolAndOutliveTheirClient,
        "clientMetadataIsCachedPerPolicyAndURLWithinItsBound": clientMetadataIsCachedPerPolicyAndURLWithinItsBound,
    ]

    static func cimdPolicy(_ id: String, pool: String = "us-east-1_Pool1", client: String = "client1") -> CIMDPolicy {
        CIMDPolicy(
            poolID: pool, policyID: id, clientID: client, name: "policy \(id)", cacheDuration: 86_400,
            urlPatterns: ["https://clients.example.com/*"], creationDate: date, lastModifiedDate: date)
    }

    static func cimdPoliciesAreKeptPerPoolAndOutliveTheirClient(_ s: any Storage) async throws {
        try await expectError(.notFound, "a policy needs its pool") { try await s.createCIMDPolicy(cimdPolicy("a")) }
        try await s.createUserPool(pool())
        try await s.createUserPool(pool("us-east-1_Pool2"))
        try await s.createAppClient(client("client1"))
        for id in ["c", "a", "b"] { try await s.createCIMDPolicy(cimdPolicy(id)) }
        try await s.createCIMDPolicy(cimdPolicy("z", pool: "us-east-1_Pool2"))
        try await expectError(.alreadyExists(key: "CIMDPolicyId"), "a policy ID is unique in its pool") {
            try await s.createCIMDPolicy(cimdPolicy("a"))
        }
        try expect(try await s.cimdPolicy(poolID: "us-east-1_Pool1", policyID: "a") == cimdPolicy("a"), "read back whole")
        try await expectError(.notFound, "another pool's policy") { _ = try await s.cimdPolicy(poolID: "us-east-1_Pool2", policyID: "a") }
        let first = try await s.listCIMDPolicies(poolID: "us-east-1_Pool1", PageRequest(limit: 2))
        try expect(first.items.map(\.policyID) == ["a", "b"] && first.nextToken != nil, "the first page in ID order")
        let second = try await s.listCIMDPolicies(poolID: "us-east-1_Pool1", PageRequest(token: first.nextToken, limit: 2))
        try expect(second.items.map(\.policyID) == ["c"] && second.nextToken == nil, "the last page")
        try expect(try await s.allCIMDPolicies(limit: 10).map(\.policyID) == ["a", "b", "c", "z"], "every pool's, in pool order")
        try expect(try await s.allCIMDPolicies(limit: 2).count == 2, "at most the limit")
        let changed = try await s.updateCIMDPolicy(poolID: "us-east-1_Pool1", policyID: "b") { policy in
            policy.urlPatterns = ["https://other.example.com/*"]
            policy.policyID = "moved"
        }
        try expect(changed.policyID == "b" && changed.urlPatterns == ["https://other.example.com/*"], "changed, under its own ID")
        try expect(try await s.cimdPolicy(poolID: "us-east-1_Pool1", policyID: "b") == changed, "the change is stored")
        try await s.deleteAppClient(poolID: "us-east-1_Pool1", clientID: "client1")
        try expect(try await s.cimdPolicy(poolID: "us-east-1_Pool1", policyID: "a").clientID == "client1", "kept when its client goes")
        try await s.deleteCIMDPolicy(poolID: "us-east-1_Pool1", policyID: "a")
        try await expectError(.notFound, "deleted") { _ = try await s.cimdPolicy(poolID: "us-east-1_Pool1", policyID: "a") }
        try await expectError(.notFound, "deleted twice") { try await s.deleteCIMDPolicy(poolID: "us-east-1_Pool1", policyID: "a") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try expect(try await s.allCIMDPolicies(limit: 10).map(\.policyID) == ["z"], "the pool's go with it")
    }

    static func clientMetadataIsCachedPerPolicyAndURLWithinItsBound(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createCIMDPolicy(cimdPolicy("p"))
        try await s.createCIMDPolicy(cimdPolicy("q"))
        func document(_ n: Int, policy: String = "p", expiring: TimeInterval = 86_400) -> CachedClientMetadata {
            CachedClientMetadata(
                poolID: "us-east-1_Pool1", policyID: policy, url: "https://clients.example.com/\(n)", document: #"{"n":\#(n)}"#,
                cachedDate: date, expirationDate: date.addingTimeInterval(expiring))
        }
        try await expectError(.notFound, "a document needs its policy") {
            try await s.putClientMetadata(document(1, policy: "none"), keepingAtMost: 10)
        }
        try await s.putClientMetadata(document(1, expiring: 300), keepingAtMost: 3)
        try await s.putClientMetadata(document(2, expiring: 100), keepingAtMost: 3)
        try await s.putClientMetadata(document(3, expiring: 200), keepingAtMost: 3)
        try await s.putClientMetadata(document(1, policy: "q"), keepingAtMost: 3)
        var refreshed = document(1, expiring: 900)
        refreshed.document = #"{"n":"again"}"#
        try await s.putClientMetadata(refreshed, keepingAtMost: 3)
        try expect(
            try await s.clientMetadata(poolID: "us-east-1_Pool1", policyID: "p", url: refreshed.url) == refreshed,
            "a URL's document is replaced, whole")
        try await s.putClientMetadata(document(4, expiring: 400), keepingAtMost: 3)
        let kept = try await s.listClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", PageRequest(limit: 10)).items.map(\.url)
        try expect(kept == [1, 3, 4].map { "https://clients.example.com/\($0)" }, "the one expiring first is dropped past the bound: \(kept)")
        let page = try await s.listClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", PageRequest(limit: 2))
        try expect(page.items.count == 2 && page.nextToken != nil, "pages")
        let rest = try await s.listClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", PageRequest(token: page.nextToken, limit: 2))
        try expect(rest.items.map(\.url) == ["https://clients.example.com/4"] && rest.nextToken == nil, "the last page")
        try await s.deleteClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", url: "https://clients.example.com/3")
        try await expectError(.notFound, "deleted") {
            _ = try await s.clientMetadata(poolID: "us-east-1_Pool1", policyID: "p", url: "https://clients.example.com/3")
        }
        try await expectError(.notFound, "deleted twice") {
            try await s.deleteClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", url: "https://clients.example.com/3")
        }
        try await s.deleteCIMDPolicy(poolID: "us-east-1_Pool1", policyID: "p")
        try await s.createCIMDPolicy(cimdPolicy("p"))
        try expect(
            try await s.listClientMetadata(poolID: "us-east-1_Pool1", policyID: "p", PageRequest(limit: 10)).items.isEmpty,
            "a deleted policy's documents go with it")
        try expect(
            try await s.listClientMetadata(poolID: "us-east-1_Pool1", policyID: "q", PageRequest(limit: 10)).items.count == 1,
            "another policy's stay")
    }
}
