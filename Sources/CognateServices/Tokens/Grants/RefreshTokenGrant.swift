import CognateStorage
import CognitoModel
import Foundation

/// `grant_type=refresh_token`: new access and ID tokens for a refresh token of the same client (a new
/// refresh token too when the client rotates them), with the scopes of the original sign-in.
struct RefreshTokenGrant: TokenGrant {
    static let grantType = "refresh_token"
    static let requirements: [GrantRequirement] = [.parameter(\.refreshToken, maxBytes: 1_024), .authFlow(.refreshTokenAuth)]
    let deps: ServiceDependencies

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let client = request.client
        let token = request.form.refreshToken ?? ""
        do {
            let result = try await RefreshTokens(deps: deps).refresh(
                token, pool: request.pool, client: client, deviceKey: nil, generation: TokenGeneration(.refreshTokens), rotates: true)
            return TokenResponse(
                accessToken: result.accessToken ?? "", expiresIn: result.expiresIn ?? 3_600, idToken: result.idToken,
                refreshToken: result.refreshToken)
        } catch let error as CognitoError where [.notAuthorizedException, .refreshTokenReuseException].contains(error.code) {
            // The token does not refresh (unknown, expired, revoked, rotated out, its user disabled). Anything
            // else (a trigger's refusal, a server fault) is the token endpoint's to answer.
            throw OAuthError.invalidGrant
        }
    }
}
