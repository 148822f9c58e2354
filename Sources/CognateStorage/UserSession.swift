import Foundation

/// A user's session as session management tracks it (SetUserPoolSessionConfiguration): a token session is
/// one authentication of an app client and the refresh tokens that descend from it, rotation included; an SSO
/// session is a managed-login cookie session, which the token sessions it gave rise to name as their origin.
public struct UserSession: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case token
        case sso
    }

    /// `tkn` or `sso` and 25 lowercase letters and digits, as AWS's are.
    public var id: String
    public var kind: Kind
    public var poolID: String
    public var usernameKey: String
    /// The app client the session belongs to (an SSO session: the one it was signed in through).
    public var clientID: String
    /// A token session's SSO session, when it came through managed login.
    public var originSessionID: String?
    /// An SSO session's managed-login cookie session (its hash).
    public var loginSessionHash: String?
    public var createdAt: Date
    /// A token session: its last refresh or rotation (its sign-in at first); an SSO session: its last
    /// authentication or token grant.
    public var lastActiveAt: Date
    /// Where the most recent activity came from, as the request told it.
    public var deviceType: String
    public var lastIPAddress: String?
    /// When the session ends by itself: a token session with its refresh token, an SSO session with its cookie.
    public var expiresAt: Date

    public init(
        id: String, kind: Kind, poolID: String, usernameKey: String, clientID: String, originSessionID: String? = nil,
        loginSessionHash: String? = nil, createdAt: Date, lastActiveAt: Date, deviceType: String, lastIPAddress: String?, expiresAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.poolID = poolID
        self.usernameKey = usernameKey
        self.clientID = clientID
        self.originSessionID = originSessionID
        self.loginSessionHash = loginSessionHash
        self.createdAt = createdAt
        self.lastActiveAt = lastActiveAt
        self.deviceType = deviceType
        self.lastIPAddress = lastIPAddress
        self.expiresAt = expiresAt
    }
}

/// Tracked user sessions. A deleted pool or user takes theirs along.
public protocol UserSessionStorage: Sendable {
    func createUserSession(_ session: UserSession) async throws
    func userSession(id: String) async throws -> UserSession
    /// The SSO session of a managed-login cookie session.
    func userSession(loginSessionHash: String) async throws -> UserSession
    /// Every session of a user, oldest first.
    func userSessions(poolID: String, usernameKey: String) async throws -> [UserSession]
    @discardableResult
    func updateUserSession(id: String, _ change: @escaping @Sendable (inout UserSession) throws -> Void) async throws -> UserSession
    /// Ending a session that is not there is not an error.
    func deleteUserSession(id: String) async throws
}
