import Foundation

/// The request rate an account is provisioned for in one of AWS's rate categories in one Region
/// (UpdateProvisionedLimit): the rate enforced in place of the category's default.
public struct ProvisionedLimit: Codable, Sendable, Equatable {
    public var region: String
    /// The category's name, as in `LimitDefinition.Attributes.Category` (`UserAuthentication`, …).
    public var category: String
    /// Requests per second.
    public var value: Int
    public var lastModifiedDate: Date

    public init(region: String, category: String, value: Int, lastModifiedDate: Date) {
        self.region = region
        self.category = category
        self.value = value
        self.lastModifiedDate = lastModifiedDate
    }
}

/// Provisioned limits: at most one per Region and category. They belong to the account, not to a pool, so
/// deleting pools leaves them.
public protocol ProvisionedLimitStorage: Sendable {
    /// Stores the limit, replacing the one for the same Region and category.
    func putProvisionedLimit(_ limit: ProvisionedLimit) async throws
    /// Every limit provisioned in the Region (none: an empty list).
    func provisionedLimits(region: String) async throws -> [ProvisionedLimit]
}
