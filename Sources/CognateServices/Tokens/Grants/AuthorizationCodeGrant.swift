import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation

/// `grant_type=authorization_code`: a code from the managed login pages, redeemed once by the client it
/// was issued to, with the same redirect URI, and with the PKCE verifier when the request had a challenge.
struct AuthorizationCodeGrant: TokenGrant {
    static let grantType = "authorization_code"
    static let requirements: [GrantRequirement] = [
        .oauthFlow(.code), .oauthFlowsOn(.unauthorizedClient), .parameter(\.code, maxBytes: 256),
    ]
    let deps: ServiceDependencies

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let client = request.client
        let code = request.form.code ?? ""
        // Taken before anything else is checked: a code presented wrongly is spent, as RFC 6749 §10.5 advises.
        guard let stored = try await StorageError.ifPresent({ try await deps.storage.takeAuthorizationCode(hash: OpaqueToken.hash(code)) }),
            stored.clientID == client.clientID, stored.metadataURL == client.metadataURL, stored.poolID == request.pool.id,
            stored.expiresAt > deps.clock.now(),
            request.form.redirectURI == stored.redirectURI
        else { throw OAuthError.invalidGrant }
        if let challenge = stored.codeChallenge {
            guard let verifier = request.form.codeVerifier, (43...128).contains(verifier.utf8.count),
                ConstantTime.equal(Array(Self.challenge(verifier).utf8), Array(challenge.utf8))
            else { throw OAuthError.invalidGrant }
        }
        guard let user = try await StorageError.ifPresent({ try await deps.storage.user(poolID: stored.poolID, usernameKey: stored.usernameKey) }),
            user.enabled
        else {
            throw OAuthError.invalidGrant
        }
        let result = try await TokenIssuer(deps: deps).signIn(
            TokenGeneration(.hostedAuth), pool: request.pool, client: client, user: user, authTime: stored.authTime, scopes: stored.scopes,
            nonce: stored.nonce, session: .new(ssoSessionID: stored.ssoSessionID))
        return TokenResponse(
            accessToken: result.accessToken ?? "", expiresIn: result.expiresIn ?? 3_600, idToken: result.idToken,
            refreshToken: result.refreshToken)
    }

    /// PKCE S256: base64url(SHA-256(verifier)) without padding (RFC 7636 §4.2).
    static func challenge(_ verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}
