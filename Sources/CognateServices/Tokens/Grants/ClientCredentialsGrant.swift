import CognateStorage
import CognitoModel
import Foundation

/// `grant_type=client_credentials`: a confidential client trades its secret for an access token that
/// speaks for the client itself (`sub` = client ID) and carries custom scopes only.
struct ClientCredentialsGrant: TokenGrant {
    static let grantType = "client_credentials"
    /// AWS answers invalid_grant when the client's OAuth flows are not switched on.
    static let requirements: [GrantRequirement] = [.secret, .oauthFlow(.clientCredentials), .oauthFlowsOn(.invalidGrant)]
    let deps: ServiceDependencies

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let client = request.client
        let minter = ClientTokenMinter(deps: deps)
        let allowed = try await minter.allowedScopes(client)
        // The requested scopes, each the client's; without a request, every one of the client's. None at
        // all is invalid_scope.
        let scopes: [String]
        if let asked = request.form.scope {
            scopes = asked.split(separator: " ").map(String.init)
            guard !scopes.isEmpty, scopes.allSatisfy({ allowed.contains($0) }) else { throw OAuthError.invalidScope }
        } else {
            scopes = allowed
        }
        guard !scopes.isEmpty else { throw OAuthError.invalidScope }
        let minted = try await minter.mint(pool: request.pool, client: client, scopes: scopes, clientMetadata: nil)
        return TokenResponse(accessToken: minted.token, expiresIn: minted.expiresIn)
    }
}
