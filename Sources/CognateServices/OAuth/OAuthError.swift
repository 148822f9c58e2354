import CognateStorage

/// An error of the OAuth 2.0 endpoints (RFC 6749 §5.2), as Cognito answers it: `{"error": code}` with the
/// HTTP status (401 for `invalid_client`, else 400).
public struct OAuthError: Error, Equatable, Sendable {
    public var code: String
    public var status: Int
    /// Said only where Cognito's own answer would not tell enough (`error_description`).
    public var description: String?

    public init(_ code: String, status: Int = 400, description: String? = nil) {
        self.code = code
        self.status = status
        self.description = description
    }

    public static let invalidRequest = OAuthError("invalid_request")
    public static let invalidClient = OAuthError("invalid_client", status: 401)
    public static let invalidGrant = OAuthError("invalid_grant")
    public static let unauthorizedClient = OAuthError("unauthorized_client")
    public static let unsupportedGrantType = OAuthError("unsupported_grant_type")
    public static let invalidScope = OAuthError("invalid_scope")

    /// What a failure that is no fault of the request answers: `temporarily_unavailable` (503) while the
    /// database cannot be reached, `server_error` (500) otherwise — never a verdict on the client or token.
    public static func serverFailure(_ error: any Error) -> OAuthError {
        switch error {
        case StorageError.unavailable, StorageError.capacityReached, StorageError.recoveryInProgress:
            return OAuthError("temporarily_unavailable", status: 503)
        default: break
        }
        return OAuthError("server_error", status: 500)
    }
}
