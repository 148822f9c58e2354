import Foundation

/// An authorization code from `/oauth2/authorize`, kept only as a hash: single-use, valid five minutes,
/// bound to its client, redirect URI, PKCE challenge and nonce.
public struct AuthorizationCode: Codable, Sendable, Equatable {
    /// SHA-256 of the code, hex.
    public var codeHash: String
    public var poolID: String
    public var clientID: String
    public var usernameKey: String
    public var redirectURI: String
    public var scopes: [String]
    /// The S256 challenge the exchange must answer, when the authorize request had one.
    public var codeChallenge: String?
    public var nonce: String?
    public var authTime: Date
    public var expiresAt: Date
    /// The tracked SSO session of the browser the code was issued to: the token session its exchange starts
    /// names it as its origin.
    public var ssoSessionID: String?
    /// The client metadata document URL of the CIMD client the code was issued to; only it redeems the code.
    public var metadataURL: String?

    public init(
        codeHash: String, poolID: String, clientID: String, usernameKey: String, redirectURI: String, scopes: [String],
        codeChallenge: String?, nonce: String?, authTime: Date, expiresAt: Date
    ) {
        self.codeHash = codeHash
        self.poolID = poolID
        self.clientID = clientID
        self.usernameKey = usernameKey
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.codeChallenge = codeChallenge
        self.nonce = nonce
        self.authTime = authTime
        self.expiresAt = expiresAt
    }

    /// Codes live five minutes (AWS).
    public static let lifetime: TimeInterval = 300
}
