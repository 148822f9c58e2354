import CognitoModel
import Foundation

/// A resource server of a user pool: an API identified by `identifier`, whose custom scopes app clients
/// can be granted as `identifier/scopeName`.
public struct ResourceServer: Codable, Sendable, Equatable {
    public var poolID: String
    public var identifier: String
    public var name: String
    public var scopes: [ResourceServerScopeType]

    public init(poolID: String, identifier: String, name: String, scopes: [ResourceServerScopeType]) {
        self.poolID = poolID
        self.identifier = identifier
        self.name = name
        self.scopes = scopes
    }

    /// The scopes as clients name them.
    public var scopeNames: [String] { scopes.map { identifier + "/" + $0.scopeName } }
}
