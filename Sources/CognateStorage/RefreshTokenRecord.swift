import Foundation

/// A refresh token as Cognate remembers it: only its hash is kept, so the store never holds a usable token.
public struct RefreshTokenRecord: Codable, Sendable, Equatable {
    /// SHA-256 of the token, hex.
    public var tokenHash: String
    public var poolID: String
    public var clientID: String
    public var usernameKey: String
    /// The `origin_jti` of every access and ID token minted from this refresh token.
    public var originJTI: String
    public var authTime: Date
    public var issuedAt: Date
    public var expiresAt: Date
    /// Revoked by RevokeToken or a global sign-out: the token and every token minted from it are void.
    public var revoked: Bool
    /// When refresh-token rotation replaced it; it still refreshes during the client's grace period.
    public var rotatedAt: Date?
    /// The device the sign-in was made from, when the pool tracks devices.
    public var deviceKey: String?
    /// The OAuth scopes granted at the sign-in (managed login, the token endpoint); nil for API sign-ins,
    /// whose tokens carry `aws.cognito.signin.user.admin`.
    public var scopes: [String]?
    /// The tracked token session the token belongs to (session management); a rotation's successor keeps it.
    public var sessionID: String?
    /// The client metadata document URL of the CIMD client the token was issued to; only it refreshes with it.
    public var metadataURL: String?

    public init(
        tokenHash: String, poolID: String, clientID: String, usernameKey: String, originJTI: String, authTime: Date,
        issuedAt: Date, expiresAt: Date, revoked: Bool = false
    ) {
        self.tokenHash = tokenHash
        self.poolID = poolID
        self.clientID = clientID
        self.usernameKey = usernameKey
        self.originJTI = originJTI
        self.authTime = authTime
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}
