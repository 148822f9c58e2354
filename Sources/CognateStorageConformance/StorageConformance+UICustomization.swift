import CognateStorage
import Foundation

extension StorageConformance {
    static let uiCustomizationChecks: [String: Check] = [
        "uiCustomizationIsReplacedAndGoesWithThePool": uiCustomizationIsReplacedAndGoesWithThePool
    ]

    static func uiCustomizationIsReplacedAndGoesWithThePool(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.notFound, "branding of a missing pool") {
            try await s.putUICustomization(
                UICustomization(
                    poolID: "us-east-1_None", clientID: "ALL", css: nil, image: nil, version: "1", creationDate: date, lastModifiedDate: date))
        }
        let first = UICustomization(
            poolID: "us-east-1_Pool1", clientID: "ALL", css: ".a{}", image: Data([1, 2]), version: "1",
            creationDate: date, lastModifiedDate: date)
        try await s.putUICustomization(first)
        try expect(try await s.uiCustomization(poolID: "us-east-1_Pool1", clientID: "ALL") == first, "read back")
        var second = first
        second.css = ".b{}"
        second.version = "2"
        try await s.putUICustomization(second)
        try expect(try await s.uiCustomization(poolID: "us-east-1_Pool1", clientID: "ALL") == second, "replaced")
        try await expectError(.notFound, "another client's") { _ = try await s.uiCustomization(poolID: "us-east-1_Pool1", clientID: "c1") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try await expectError(.notFound, "gone with the pool") { _ = try await s.uiCustomization(poolID: "us-east-1_Pool1", clientID: "ALL") }
    }
}
