import CognateStorage
import Foundation

extension StorageConformance {
    static let provisionedLimitChecks: [String: Check] = [
        "provisionedLimitsArePerRegionAndCategoryAndOutliveThePools": provisionedLimitsArePerRegionAndCategoryAndOutliveThePools
    ]

    static func provisionedLimitsArePerRegionAndCategoryAndOutliveThePools(_ s: any Storage) async throws {
        try expect(try await s.provisionedLimits(region: "us-east-1").isEmpty, "none at first")
        try await s.createUserPool(pool())
        try await s.putProvisionedLimit(ProvisionedLimit(region: "us-east-1", category: "UserRead", value: 300, lastModifiedDate: date))
        try await s.putProvisionedLimit(ProvisionedLimit(region: "us-east-1", category: "UserAuthentication", value: 200, lastModifiedDate: date))
        try await s.putProvisionedLimit(ProvisionedLimit(region: "eu-west-1", category: "UserRead", value: 500, lastModifiedDate: date))
        let replaced = ProvisionedLimit(region: "us-east-1", category: "UserRead", value: 400, lastModifiedDate: date.addingTimeInterval(60))
        try await s.putProvisionedLimit(replaced)
        let limits = try await s.provisionedLimits(region: "us-east-1")
        try expect(limits.map(\.category) == ["UserAuthentication", "UserRead"], "one per category, in order: \(limits.map(\.category))")
        try expect(limits.last == replaced, "the later value replaces the first, whole")
        try expect(try await s.provisionedLimits(region: "eu-west-1").map(\.value) == [500], "another Region's own")
        try expect(try await s.provisionedLimits(region: "ap-south-1").isEmpty, "a Region with none")
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try expect(try await s.provisionedLimits(region: "us-east-1").count == 2, "the account's, not a pool's: kept when pools go")
    }
}
