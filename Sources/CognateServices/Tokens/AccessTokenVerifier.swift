import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// Verifies an access token a client presents: signature by one of the pool's keys, issuer, expiry and
/// token_use; answers the pool and the user it speaks for.
struct AccessTokenVerifier {
    let deps: ServiceDependencies

    static let invalid = CognitoError(.notAuthorizedException, "Invalid Access Token")

    /// `scope` is the scope the token must carry: the user's own API needs `aws.cognito.signin.user.admin`,
    /// userInfo `openid`.
    func verify(_ token: String, requiring scope: String = "aws.cognito.signin.user.admin") async throws -> (
        pool: UserPool, user: User, claims: [String: Claim]
    ) {
        let (poolID, claims) = try await signedClaims(token)
        guard claims["token_use"]?.string == "access" else { throw Self.invalid }
        // Tokens without this scope (client credentials, OAuth sign-ins that did not ask for it) do not
        // reach the user's own API.
        guard claims["scope"]?.string?.split(separator: " ").contains(Substring(scope)) == true else {
            throw CognitoError(.notAuthorizedException, "Access Token does not have required scopes")
        }
        guard let exp = claims["exp"]?.int, Double(exp) > deps.clock.now().timeIntervalSince1970 else {
            throw CognitoError(.notAuthorizedException, "Access Token has expired")
        }
        let pool = try await StorageError.map(notFound: Self.invalid) { try await deps.storage.userPool(id: poolID) }
        guard let sub = claims["sub"]?.string else { throw Self.invalid }
        let user = try await StorageError.map(notFound: Errors.userNotFound) { try await deps.storage.user(poolID: poolID, sub: sub) }
        guard user.enabled else { throw CognitoError(.notAuthorizedException, "User is disabled.") }
        // Revoked with its refresh token (RevokeToken) or by a sign-out of all sessions (GlobalSignOut).
        guard let origin = claims["origin_jti"]?.string,
            let record = try await StorageError.ifPresent({ try await deps.storage.refreshToken(originJTI: origin) }),
            record.usernameKey == user.usernameKey
        else { throw Self.invalid }
        guard !record.revoked, try await UserSessions(deps: deps).holds(record.sessionID) else {
            throw CognitoError(.notAuthorizedException, "Access Token has been revoked")
        }
        return (pool, user, claims)
    }

    /// The pool and claims of a token signed by one of the pool's keys: checked once, then remembered
    /// (`VerifiedTokens`); everything that can change is checked by the caller on every use.
    func signedClaims(_ token: String) async throws -> (poolID: String, claims: [String: Claim]) {
        if let known = deps.keyRing.verified[token] { return (known.poolID, known.claims) }
        guard let parts = JWTParts(token), parts.alg == "RS256", let kid = parts.kid,
            let claims = try? JSONDecoder().decode([String: Claim].self, from: parts.payload),
            let issuer = claims["iss"]?.string
        else { throw Self.invalid }
        guard let poolID = deps.configuration.poolID(fromIssuer: issuer) else { throw Self.invalid }
        guard let signer = try await deps.keyRing.signers(poolID: poolID).first(where: { $0.kid == kid }),
            signer.isValidSignature(parts.signature, for: parts.signingInput)
        else { throw Self.invalid }
        deps.keyRing.verified.remember(token, .init(poolID: poolID, claims: claims))
        return (poolID, claims)
    }

    /// The app client a verified token was issued to; a token of a deleted client speaks for nobody.
    func client(of claims: [String: Claim], pool: UserPool) async throws -> AppClient {
        guard let clientID = claims["client_id"]?.string else { throw Self.invalid }
        return try await StorageError.map(notFound: Self.invalid) { try await deps.storage.appClient(poolID: pool.id, clientID: clientID) }
    }
}
