/// Server-wide settings the services need.
public struct ServiceConfiguration: Sendable {
    /// The region used when a request carries no SigV4 credential scope.
    public var defaultRegion: String
    /// The account ID in ARNs.
    public var accountID: String

    public init(defaultRegion: String = "us-east-1", accountID: String = "000000000000") {
        self.defaultRegion = defaultRegion
        self.accountID = accountID
    }
}
