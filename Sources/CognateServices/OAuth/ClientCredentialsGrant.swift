import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// `grant_type=client_credentials`: a confidential client trades its secret for an access token that
/// speaks for the client itself (`sub` = client ID) and carries custom scopes only.
struct ClientCredentialsGrant: TokenGrant {
    static let grantType = "client_credentials"
    let deps: ServiceDependencies

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let client = request.client
        guard request.authenticated else { throw OAuthError.invalidClient }
        guard client.settings.allowedOAuthFlows?.contains(.clientCredentials) == true else { throw OAuthError.unauthorizedClient }
        // AWS answers invalid_grant when the client's OAuth flows are not switched on.
        guard client.settings.allowedOAuthFlowsUserPoolClient == true else { throw OAuthError.invalidGrant }
        let scopes = try await grantedScopes(request)
        let now = deps.clock.now()
        let lifetime = TokenIssuer.lifetimes(client.settings).access
        let iat = Int(now.timeIntervalSince1970)
        let claims: [String: Claim] = [
            "sub": .string(client.clientID), "client_id": .string(client.clientID), "token_use": .string("access"),
            "scope": .string(scopes.joined(separator: " ")), "auth_time": .int(iat), "iat": .int(iat),
            "exp": .int(iat + lifetime), "iss": .string(deps.configuration.issuer(poolID: request.pool.id)),
            "jti": .string(deps.random.uuid()), "version": .int(2),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let token = try await deps.keyRing.signer(poolID: request.pool.id).sign(payload: try encoder.encode(claims))
        return TokenResponse(accessToken: token, expiresIn: lifetime)
    }

    /// The requested scopes, each the client's and a custom scope that still exists; without a request,
    /// every such scope of the client. None at all is invalid_scope.
    private func grantedScopes(_ request: TokenRequest) async throws -> [String] {
        let defined = try await ResourceServerService.customScopes(deps, poolID: request.pool.id)
        let allowed = (request.client.settings.allowedOAuthScopes ?? []).filter { defined.contains($0) }
        let scopes: [String]
        if let asked = request.parameters["scope"] {
            scopes = asked.split(separator: " ").map(String.init)
            guard !scopes.isEmpty, scopes.allSatisfy({ allowed.contains($0) }) else { throw OAuthError.invalidScope }
        } else {
            scopes = allowed
        }
        guard !scopes.isEmpty else { throw OAuthError.invalidScope }
        return scopes
    }
}
