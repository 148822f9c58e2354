import CognateStorage
import CognitoModel
import Foundation

/// The checks AWS makes of an app client's OAuth settings when it is created or updated: every scope
/// exists (a standard one, or a custom scope of one of the pool's resource servers), and the flows go
/// together.
enum OAuthSettings {
    /// The scopes every pool knows.
    static let standardScopes: Set<String> = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"]

    static func check(_ input: some ClientSettingsInput, pool: UserPool, deps: ServiceDependencies) async throws {
        for url in (input.callbackURLs ?? []) + (input.logoutURLs ?? []) { try checkURL(url) }
        // SupportedIdentityProviders names the pool itself (COGNITO) or providers it has.
        for name in input.supportedIdentityProviders ?? [] where name != "COGNITO" {
            guard (try await StorageError.ifPresent({ try await deps.storage.identityProvider(poolID: pool.id, name: name) })) != nil else {
                throw Errors.invalidParameter("The provider \(name.prefix(64)) does not exist for User Pool \(pool.id)")
            }
        }
        let flows = input.allowedOAuthFlows ?? []
        let scopes = input.allowedOAuthScopes ?? []
        if !scopes.isEmpty {
            let custom = try await ResourceServerService.customScopes(deps, poolID: pool.id)
            if let unknown = scopes.first(where: { !standardScopes.contains($0) && !custom.contains($0) }) {
                throw CognitoError(.scopeDoesNotExistException, "Invalid scope requested: \(unknown)")
            }
        }
        if flows.contains(.clientCredentials) {
            if flows.contains(.code) || flows.contains(.implicit) {
                throw CognitoError(.invalidOAuthFlowException, "client_credentials flow can not be selected if code or implicit flow is selected.")
            }
            if scopes.contains("openid") {
                throw CognitoError(.invalidOAuthFlowException, "openid is not supported with client_credentials flow")
            }
        }
        if input.allowedOAuthFlowsUserPoolClient == true, flows.contains(.code) || flows.contains(.implicit),
            input.callbackURLs?.isEmpty ?? true
        {
            throw CognitoError(.invalidOAuthFlowException, "CallbackUrls can not be empty when code flow or implicit flow is selected")
        }
    }

    /// Redirect URLs are absolute and HTTPS, except plain HTTP on loopback (`localhost`, `127.0.0.1`,
    /// `[::1]`) and an app's own scheme (`myapp://callback`); they carry no fragment.
    static func checkURL(_ url: String) throws(CognitoError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), !scheme.isEmpty else {
            throw Errors.invalidParameter("\(url.prefix(256)) is not an absolute URL.")
        }
        if components.fragment != nil { throw Errors.invalidParameter("\(url.prefix(256)) must not contain a fragment.") }
        if scheme == "http" {
            let host = components.host?.lowercased() ?? ""
            guard ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host) else {
                throw Errors.invalidParameter("\(url.prefix(256)) must use HTTPS: plain HTTP is allowed only for localhost.")
            }
        }
        if scheme == "https" && (components.host ?? "").isEmpty { throw Errors.invalidParameter("\(url.prefix(256)) names no host.") }
    }
}
