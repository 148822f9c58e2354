import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// Mints the access token of a machine-to-machine client: it speaks for the client itself
/// (`sub` = client ID) and carries custom scopes only. The token endpoint's client_credentials grant and
/// GetClientToken both use it.
struct ClientTokenMinter {
    let deps: ServiceDependencies

    /// The client's custom scopes that still exist (a resource server's scope may have been removed since
    /// the client named it).
    func allowedScopes(_ client: AppClient) async throws -> [String] {
        let defined = try await ResourceServerService.customScopes(deps, poolID: client.poolID)
        return (client.settings.allowedOAuthScopes ?? []).filter { defined.contains($0) }
    }

    /// The token; the pool's PreTokenGeneration reshapes it when it is a V3_0 trigger. `clientMetadata`:
    /// GetClientToken's.
    func mint(pool: UserPool, client: AppClient, scopes: [String], clientMetadata: [String: String]?) async throws -> (token: String, expiresIn: Int)
    {
        let now = deps.clock.now()
        let lifetime = TokenIssuer.lifetimes(client.settings).access
        let iat = Int(now.timeIntervalSince1970)
        var claims = TokenTriggers.Claims(access: [
            "sub": .string(client.clientID), "client_id": .string(client.clientID), "token_use": .string("access"),
            "scope": .string(scopes.joined(separator: " ")), "auth_time": .int(iat), "iat": .int(iat),
            "exp": .int(iat + lifetime), "iss": .string(deps.configuration.issuer(of: pool)),
            "jti": .string(deps.random.uuid()), "version": .int(2),
        ])
        try await TokenTriggers(deps: deps).apply(
            TokenGeneration(.clientCredentials, clientMetadata: clientMetadata), pool: pool, client: client, user: nil, groups: [], claims: &claims)
        let token = try await deps.keyRing.signer(poolID: client.poolID).sign(payload: Claim.payload(claims.access))
        return (token, lifetime)
    }
}
