import Foundation

/// A passkey registered by a user (CompleteWebAuthnRegistration).
public struct WebAuthnCredential: Codable, Sendable, Equatable {
    /// The credential ID, base64url, as authenticators and browsers name it.
    public var credentialID: String
    /// The credential's public key, COSE-encoded.
    public var publicKey: Data
    /// The authenticator's signature counter, for spotting cloned authenticators.
    public var signCount: UInt32
    public var relyingPartyID: String
    public var friendlyName: String
    public var authenticatorAttachment: String?
    public var transports: [String]
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(
        credentialID: String, publicKey: Data, signCount: UInt32, relyingPartyID: String, friendlyName: String,
        authenticatorAttachment: String?, transports: [String], createdAt: Date
    ) {
        self.credentialID = credentialID
        self.publicKey = publicKey
        self.signCount = signCount
        self.relyingPartyID = relyingPartyID
        self.friendlyName = friendlyName
        self.authenticatorAttachment = authenticatorAttachment
        self.transports = transports
        self.createdAt = createdAt
    }
}

/// A passkey registration started by StartWebAuthnRegistration and not yet completed.
public struct PendingWebAuthnRegistration: Codable, Sendable, Equatable {
    /// The challenge handed to the authenticator, base64url.
    public var challenge: String
    /// The app client whose access token started it; completing it takes a token of the same client.
    public var clientID: String
    public var expiresAt: Date

    public init(challenge: String, clientID: String, expiresAt: Date) {
        self.challenge = challenge
        self.clientID = clientID
        self.expiresAt = expiresAt
    }
}
