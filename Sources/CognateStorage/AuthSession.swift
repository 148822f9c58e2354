import CognitoModel
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
    public var challenge: ChallengeNameType
    /// What the sign-in carries to the answer (SRP's values, the device, a code's hash, …).
    public var state: SignInState
    public var expiresAt: Date

    /// The longest a session lives (an app client's AuthSessionValidity is 3 to 15 minutes): backends may
    /// drop a session once it expired this long before a newer one.
    public static let maxLifetime: TimeInterval = 15 * 60
    /// Live sign-in sessions a pool may hold at once. Anyone may start a sign-in (SRP's first step, a
    /// challenge), so the count is bounded: past it, new sign-ins are refused until sessions expire.
    public static let maxLivePerPool = 20_000

    public init(id: String, poolID: String, clientID: String, usernameKey: String, challenge: ChallengeNameType, state: SignInState, expiresAt: Date)
    {
        self.id = id
        self.poolID = poolID
        self.clientID = clientID
        self.usernameKey = usernameKey
        self.challenge = challenge
        self.state = state
        self.expiresAt = expiresAt
    }
}
