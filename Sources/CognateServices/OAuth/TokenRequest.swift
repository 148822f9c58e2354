import CognateStorage

/// A request to the token endpoint once its client is authenticated: the parameters of the form, the
/// client, its pool, and whether it proved a secret.
struct TokenRequest: Sendable {
    var parameters: [String: String]
    var client: AppClient
    var pool: UserPool
    /// True when the client proved one of its secrets (client_secret_basic or client_secret_post).
    var authenticated: Bool
}

/// What the token endpoint answers on success.
public struct TokenResponse: Sendable, Equatable {
    public var accessToken: String
    public var expiresIn: Int
    public var idToken: String?
    public var refreshToken: String?
    public var tokenType = "Bearer"
    /// A token exchange's `issued_token_type` (RFC 8693 §2.2.1) and granted `scope`.
    public var issuedTokenType: String?
    public var scope: String?
}

/// One grant of the token endpoint. The dispatcher (`TokenEndpoint`) authenticates the client first,
/// so no grant can forget that step.
protocol TokenGrant: Sendable {
    static var grantType: String { get }
    func issue(_ request: TokenRequest) async throws -> TokenResponse
}
