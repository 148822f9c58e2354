import CognateStorage
import CognitoModel
import Foundation

extension StorageConformance {
    static let brandingStyleChecks: [String: Check] = [
        "brandingStylesAreOnePerClientAndGoWithIt": brandingStylesAreOnePerClientAndGoWithIt
    ]

    static func brandingStyle(_ id: String, client: String = "c1") -> BrandingStyle {
        BrandingStyle(
            brandingID: id, poolID: "us-east-1_Pool1", clientID: client, useCognitoProvidedValues: false,
            settings: .object(["components": .object(["pageBackground": .object(["lightMode": .object(["color": .string("f0f4ffff")])])])]),
            assets: [BrandingAsset(category: "FORM_LOGO", colorMode: "LIGHT", fileExtension: "PNG", bytes: Data([0x89, 0x50, 0x4E, 0x47]))],
            creationDate: date, lastModifiedDate: date)
    }

    static func brandingStylesAreOnePerClientAndGoWithIt(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createAppClient(client("c1"))
        try await s.createAppClient(client("c2"))
        try await s.createBrandingStyle(brandingStyle("b1"))
        try await s.createBrandingStyle(brandingStyle("b2", client: "c2"))
        try await expectError(.alreadyExists(key: ""), "a second style for c1") { try await s.createBrandingStyle(brandingStyle("b3")) }
        try expect(try await s.brandingStyle(poolID: "us-east-1_Pool1", brandingID: "b1") == brandingStyle("b1"), "read back by ID")
        try expect(try await s.brandingStyle(poolID: "us-east-1_Pool1", clientID: "c2").brandingID == "b2", "read back by client")
        let updated = try await s.updateBrandingStyle(poolID: "us-east-1_Pool1", brandingID: "b1") { style in
            style.useCognitoProvidedValues = true
            style.settings = nil
            style.assets = []
            style.clientID = "c2"  // not changeable
        }
        try expect(updated.clientID == "c1" && updated.useCognitoProvidedValues && updated.assets.isEmpty, "updated, client kept")
        try await s.deleteBrandingStyle(poolID: "us-east-1_Pool1", brandingID: "b1")
        try await expectError(.notFound, "deleted") { _ = try await s.brandingStyle(poolID: "us-east-1_Pool1", brandingID: "b1") }
        try await expectError(.notFound, "deleted twice") { try await s.deleteBrandingStyle(poolID: "us-east-1_Pool1", brandingID: "b1") }
        try await s.deleteAppClient(poolID: "us-east-1_Pool1", clientID: "c2")
        try await expectError(.notFound, "gone with its client") { _ = try await s.brandingStyle(poolID: "us-east-1_Pool1", clientID: "c2") }
        try await s.createBrandingStyle(brandingStyle("b4"))
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try await expectError(.notFound, "gone with the pool") { _ = try await s.brandingStyle(poolID: "us-east-1_Pool1", brandingID: "b4") }
    }
}
