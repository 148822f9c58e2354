import Foundation

/// A pool's session tracking, as SetUserPoolSessionConfiguration sets it (the whole of it each time).
/// A pool that never set it has AWS's defaults: tracking off, 20 token sessions per user.
public struct PoolSessionConfiguration: Codable, Sendable, Equatable {
    public var tracking: Bool
    /// Active token sessions a user may hold across the pool's clients (1 to 100).
    public var maxPerUser: Int

    public init(tracking: Bool, maxPerUser: Int) {
        self.tracking = tracking
        self.maxPerUser = maxPerUser
    }

    public static let defaults = PoolSessionConfiguration(tracking: false, maxPerUser: 20)

    /// Minutes an app client silently reuses a managed-login (SSO) session when it never set its own.
    public static let defaultSSOValidityMinutes = 60
}
