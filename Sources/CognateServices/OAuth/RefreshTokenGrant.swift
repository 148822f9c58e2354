import CognateStorage
import CognitoModel
import Foundation

/// `grant_type=refresh_token`: new access and ID tokens for a refresh token of the same client (a new
/// refresh token too when the client rotates them), with the scopes of the original sign-in.
struct RefreshTokenGrant: TokenGrant {
    static let grantType = "refresh_token"
    let deps: ServiceDependencies

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let client = request.client
        guard let token = request.parameters["refresh_token"], !token.isEmpty, token.utf8.count <= 1_024 else {
            throw OAuthError.invalidRequest
        }
        do {
            try ClientGate(deps: deps).requireFlow(.refreshTokenAuth, client)
        } catch {
            throw OAuthError.unauthorizedClient
        }
        let record: RefreshTokenRecord
        let user: User
        do {
            (record, user) = try await RefreshTokens(deps: deps).validate(token, pool: request.pool, client: client, deviceKey: nil)
        } catch is CognitoError {
            // Refused; a storage failure goes on as one (the token endpoint answers it as a server error).
            throw OAuthError.invalidGrant
        }
        let issuer = TokenIssuer(deps: deps)
        if client.settings.refreshTokenRotation?.feature == .enabled {
            let now = deps.clock.now()
            let before = try await deps.storage.markRotated(hash: record.tokenHash, at: now)
            do {
                try RefreshTokens.checkNotRotatedOut(before, client: client, now: now)
            } catch {
                throw OAuthError.invalidGrant
            }
            let result = try await issuer.signIn(
                TokenGeneration(.refreshTokens), pool: request.pool, client: client, user: user, authTime: record.authTime, deviceKey: record.deviceKey, scopes: record.scopes)
            return TokenResponse(
                accessToken: result.accessToken ?? "", expiresIn: result.expiresIn ?? 3_600, idToken: result.idToken,
                refreshToken: result.refreshToken)
        }
        let result = try await issuer.tokens(
            TokenGeneration(.refreshTokens), pool: request.pool, client: client, user: user, originJTI: record.originJTI, authTime: record.authTime,
            deviceKey: record.deviceKey, scopes: record.scopes)
        return TokenResponse(accessToken: result.accessToken ?? "", expiresIn: result.expiresIn ?? 3_600, idToken: result.idToken)
    }
}
