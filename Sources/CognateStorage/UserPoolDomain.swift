import CognitoModel
import Foundation

/// A domain of a user pool: a prefix under Cognito's shared host (`<prefix>.auth.<region>.amazoncognito.com`)
/// or a custom domain of the pool's own. A pool has at most one of each kind; a domain name belongs to one
/// pool only.
public struct UserPoolDomain: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case prefix
        case custom
    }

    /// The prefix, or the custom domain's full name, lowercased.
    public var domain: String
    public var poolID: String
    public var kind: Kind
    /// 1: the classic hosted UI; 2: managed login.
    public var managedLoginVersion: Int
    public var customDomainConfig: CustomDomainConfigType?
    public var routing: RoutingType?
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(
        domain: String, poolID: String, kind: Kind, managedLoginVersion: Int, customDomainConfig: CustomDomainConfigType? = nil,
        routing: RoutingType? = nil, creationDate: Date, lastModifiedDate: Date
    ) {
        self.domain = domain
        self.poolID = poolID
        self.kind = kind
        self.managedLoginVersion = managedLoginVersion
        self.customDomainConfig = customDomainConfig
        self.routing = routing
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}
