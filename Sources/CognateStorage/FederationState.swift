import Foundation

/// A sign-in handed to an external identity provider, between the redirect there and the provider's answer
/// at `/oauth2/idpresponse`: the `state` sent (stored as its hash), the authorize request to resume, and the
/// nonce and PKCE verifier the answer must match.
public struct FederationState: Codable, Sendable, Equatable {
    public var stateHash: String
    public var poolID: String
    public var providerName: String
    /// The parameters of the client's `/oauth2/authorize` request, checked again when the sign-in resumes.
    public var authorizeQuery: [String: String]
    public var nonce: String
    public var codeVerifier: String
    public var expiresAt: Date
    /// The hash of the browser-binding cookie set when the browser was sent to the provider: the answer is
    /// taken only from the browser that started the sign-in (nil for records that are no sign-in, such as
    /// a used assertion's ID).
    public var browserBinding: String?

    /// How long a user may take at the provider.
    public static let lifetime: TimeInterval = 15 * 60
    /// Sign-ins a pool may have waiting at providers at once: anyone can start one, so past this count new
    /// ones are refused until the waiting ones are answered or expire.
    public static let maxLivePerPool = 10_000
    /// The most the kept authorize parameters may hold, in bytes of names and values together.
    public static let maxQuerySize = 4_096

    public init(
        stateHash: String, poolID: String, providerName: String, authorizeQuery: [String: String], nonce: String, codeVerifier: String,
        expiresAt: Date,
        browserBinding: String? = nil
    ) {
        self.browserBinding = browserBinding
        self.stateHash = stateHash
        self.poolID = poolID
        self.providerName = providerName
        self.authorizeQuery = authorizeQuery
        self.nonce = nonce
        self.codeVerifier = codeVerifier
        self.expiresAt = expiresAt
    }
}
