import CognateStorage
import CognitoModel
import Foundation

extension StorageConformance {
    static let domainChecks: [String: Check] = [
        "domainsCRUDAndUniqueness": domainsCRUDAndUniqueness,
        "deletingPoolDeletesItsDomains": deletingPoolDeletesItsDomains,
    ]

    static func domain(_ name: String, pool: String = "us-east-1_Pool1", kind: UserPoolDomain.Kind = .prefix) -> UserPoolDomain {
        UserPoolDomain(
            domain: name, poolID: pool, kind: kind, managedLoginVersion: 1,
            customDomainConfig: kind == .custom ? CustomDomainConfigType(certificateArn: "arn:aws:acm:us-east-1:0:certificate/x") : nil,
            creationDate: date, lastModifiedDate: date)
    }

    static func domainsCRUDAndUniqueness(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUserPool(pool("us-east-1_Pool2"))
        try await expectError(.notFound, "domain of a missing pool") { try await s.createDomain(domain("x", pool: "us-east-1_None")) }
        try await s.createDomain(domain("myprefix"))
        try await s.createDomain(domain("auth.example.com", kind: .custom))
        try await expectError(.alreadyExists(key: ""), "a second prefix for one pool") { try await s.createDomain(domain("other")) }
        try await expectError(.alreadyExists(key: ""), "a name another pool has") {
            try await s.createDomain(domain("myprefix", pool: "us-east-1_Pool2"))
        }
        try expect(try await s.domain(name: "myprefix") == domain("myprefix"), "read back")
        try expect(try await s.domains(poolID: "us-east-1_Pool1").map(\.domain) == ["myprefix", "auth.example.com"], "prefix first")
        let updated = try await s.updateDomain(name: "myprefix") {
            $0.managedLoginVersion = 2
            $0.poolID = "us-east-1_Pool2"
        }
        try expect(updated.managedLoginVersion == 2 && updated.poolID == "us-east-1_Pool1", "update keeps the pool")
        try expect(try await s.domain(name: "myprefix").managedLoginVersion == 2, "update is stored")
        try await s.deleteDomain(name: "myprefix")
        try await expectError(.notFound, "deleted domain") { _ = try await s.domain(name: "myprefix") }
        try await expectError(.notFound, "deleting twice") { try await s.deleteDomain(name: "myprefix") }
        try await s.createDomain(domain("myprefix", pool: "us-east-1_Pool2"))
    }

    static func deletingPoolDeletesItsDomains(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createDomain(domain("gone"))
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await expectError(.notFound, "domain of a deleted pool") { _ = try await s.domain(name: "gone") }
        try await s.createUserPool(pool())
        try expect(try await s.domains(poolID: "us-east-1_Pool1").isEmpty, "a new pool of the same ID has no domains")
    }
}
