/// Authorization codes: stored once, taken once (a second take is `notFound`). Codes of a deleted pool or
/// user go with it; backends may drop expired ones.
public protocol OAuthCodeStorage: Sendable {
    func createAuthorizationCode(_ code: AuthorizationCode) async throws
    /// Removes and answers the code.
    func takeAuthorizationCode(hash: String) async throws -> AuthorizationCode
}
