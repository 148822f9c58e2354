import CognateStorage
import Foundation

extension StorageConformance {
    static let termsChecks: [String: Check] = [
        "termsAreOnePerNameAndClient": termsAreOnePerNameAndClient
    ]

    static func termsDocument(_ id: String, client: String = "c1", name: String = "terms-of-use") -> TermsDocument {
        TermsDocument(
            termsID: id, poolID: "us-east-1_Pool1", clientID: client, name: name, source: "LINK", enforcement: "NONE",
            links: ["cognito:default": "https://example.com/\(id)"], creationDate: date, lastModifiedDate: date)
    }

    static func termsAreOnePerNameAndClient(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createTerms(termsDocument("t1"))
        try await s.createTerms(termsDocument("t2", name: "privacy-policy"))
        try await s.createTerms(termsDocument("t3", client: "c2"))
        try await expectError(.alreadyExists(key: ""), "a second terms-of-use for c1") { try await s.createTerms(termsDocument("t4")) }
        try expect(try await s.terms(poolID: "us-east-1_Pool1", termsID: "t1") == termsDocument("t1"), "read back")
        try expect(try await s.terms(poolID: "us-east-1_Pool1", clientID: "c1").map(\.termsID) == ["t2", "t1"], "by client, by name")
        let first = try await s.listTerms(poolID: "us-east-1_Pool1", PageRequest(limit: 2))
        try expect(first.items.map(\.termsID) == ["t1", "t2"] && first.nextToken != nil, "first page")
        try await expectError(.alreadyExists(key: ""), "renamed onto a taken name") {
            try await s.updateTerms(poolID: "us-east-1_Pool1", termsID: "t2") { $0.name = "terms-of-use" }
        }
        try await s.updateTerms(poolID: "us-east-1_Pool1", termsID: "t1") { $0.links = ["cognito:english": "https://example.com/en"] }
        try expect(try await s.terms(poolID: "us-east-1_Pool1", termsID: "t1").links == ["cognito:english": "https://example.com/en"], "updated")
        try await s.deleteTerms(poolID: "us-east-1_Pool1", termsID: "t1")
        try await expectError(.notFound, "deleted") { _ = try await s.terms(poolID: "us-east-1_Pool1", termsID: "t1") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try expect(try await s.listTerms(poolID: "us-east-1_Pool1", PageRequest(limit: 5)).items.isEmpty, "gone with the pool")
    }
}
