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

    public init(sessionHash: String, poolID: String, usernameKey: String, authTime: Date, expiresAt: Date) {
        self.sessionHash = sessionHash
        self.poolID = poolID
        self.usernameKey = usernameKey
        self.authTime = authTime
        self.expiresAt = expiresAt
    }

    public static let lifetime: TimeInterval = 3_600
}
