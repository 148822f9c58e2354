import CognateStorage
import CognitoModel

/// A request to the token endpoint once its client is authenticated: the form, the client, its pool, and
/// whether it proved a secret.
struct TokenRequest: Sendable {
    var form: TokenForm
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

/// One grant of the token endpoint. The dispatcher (`TokenEndpoint`) authenticates the client, then
/// checks the grant's `requirements` in their order, so no grant can forget a step or write one again.
protocol TokenGrant: Sendable {
    static var grantType: String { get }
    /// What the request must satisfy before `issue` runs, checked in this order.
    static var requirements: [GrantRequirement] { get }
    func issue(_ request: TokenRequest) async throws -> TokenResponse
}

/// One check the dispatcher makes for a grant, with the error it answers when the check fails.
enum GrantRequirement: Sendable {
    /// The client proved a secret (invalid_client).
    case secret
    /// The app client allows this OAuth flow (unauthorized_client).
    case oauthFlow(OAuthFlowType)
    /// The app client has its OAuth flows switched on (`error` when not: AWS answers some grants with
    /// invalid_grant).
    case oauthFlowsOn(OAuthError)
    /// The app client allows this authentication flow, as the API's `ClientGate` reads its explicit flows
    /// (unauthorized_client).
    case authFlow(AuthFlowType)
    /// The form field is present, not empty, and at most `maxBytes` long (invalid_request).
    case parameter(any KeyPath<TokenForm, String?> & Sendable, maxBytes: Int)
}
