import Foundation

/// The managed login session behind the browser's cookie: who signed in to the pool's pages and when,
/// valid one hour, so that a second authorize signs in without the form. Kept only as a hash.
public struct LoginSession: Codable, Sendable, Equatable {
    /// SHA-256 of the cookie's value, hex.
    public var sessionHash: String
    public var poolID: String
    public var usernameKey: String
    public var authTime: Date
    public var expiresAt: Date
    /// The SAML sign-in behind the session, which single logout ends at the identity provider too.
    public var saml: SAMLSession?

    public init(sessionHash: String, poolID: String, usernameKey: String, authTime: Date, expiresAt: Date, saml: SAMLSession? = nil) {
        self.sessionHash = sessionHash
        self.poolID = poolID
        self.usernameKey = usernameKey
        self.authTime = authTime
        self.expiresAt = expiresAt
        self.saml = saml
    }

    public static let lifetime: TimeInterval = 3_600
}

/// Who a SAML identity provider signed in, as its `LogoutRequest` must name them.
public struct SAMLSession: Codable, Sendable, Equatable {
    public var providerName: String
    public var nameID: String
    public var nameIDFormat: String?
    public var sessionIndex: String?

    public init(providerName: String, nameID: String, nameIDFormat: String?, sessionIndex: String?) {
        self.providerName = providerName
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.sessionIndex = sessionIndex
    }
}
