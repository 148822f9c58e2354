import Foundation

/// An external identity provider of a user pool (OIDC, SAML or a social provider), as
/// CreateIdentityProvider configured it and Cognate completed it (endpoints from the issuer's discovery
/// document, the social providers' fixed URLs). `details` are the ProviderDetails strings.
public struct IdentityProvider: Codable, Sendable, Equatable {
    public var poolID: String
    public var name: String
    /// The IdentityProviderTypeType: `OIDC`, `SAML`, `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`.
    public var type: String
    public var details: [String: String]
    /// Pool attribute → the provider's claim.
    public var attributeMapping: [String: String]
    /// Unique within the pool: what `idp_identifier` names the provider by (often an email domain).
    public var identifiers: [String]
    public var acrMapping: [String: String]?
    public var creationDate: Date
    public var lastModifiedDate: Date

    /// The ProviderDetails that are credentials, sealed at rest.
    public static let secretDetails = ["client_secret", "private_key"]

    public init(
        poolID: String, name: String, type: String, details: [String: String], attributeMapping: [String: String] = [:],
        identifiers: [String] = [], acrMapping: [String: String]? = nil, creationDate: Date, lastModifiedDate: Date
    ) {
        self.poolID = poolID
        self.name = name
        self.type = type
        self.details = details
        self.attributeMapping = attributeMapping
        self.identifiers = identifiers
        self.acrMapping = acrMapping
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}
