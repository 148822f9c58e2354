import Foundation

/// The server's state between an authentication challenge and its answer. The client holds only the
/// opaque session string; a session is bound to its user and client, answered once, and expires.
public struct AuthSession: Codable, Sendable, Equatable {
    /// SHA-256 of the session string the client holds, hex.
    public var id: String
    public var poolID: String
    public var clientID: String
    public var usernameKey: String
    /// The challenge the session answers: PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, …
    public var challenge: String
    /// Challenge-specific state (SRP's b and B, …).
    public var state: [String: String]
    public var expiresAt: Date

    public init(id: String, poolID: String, clientID: String, usernameKey: String, challenge: String, state: [String: String], expiresAt: Date) {
        self.id = id
        self.poolID = poolID
        self.clientID = clientID
        self.usernameKey = usernameKey
        self.challenge = challenge
        self.state = state
        self.expiresAt = expiresAt
    }
}
