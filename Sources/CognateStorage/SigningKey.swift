import Foundation

/// A pool's RSA key for signing tokens. The newest is used to sign; all are published in the JWKS so
/// tokens signed with a retired key still verify until they expire.
public struct SigningKey: Codable, Sendable, Equatable {
    public var poolID: String
    /// The `kid` of tokens signed with it.
    public var kid: String
    /// PKCS#8 PEM of the private key.
    public var privateKeyPEM: String
    public var createdAt: Date

    public init(poolID: String, kid: String, privateKeyPEM: String, createdAt: Date) {
        self.poolID = poolID
        self.kid = kid
        self.privateKeyPEM = privateKeyPEM
        self.createdAt = createdAt
    }
}
