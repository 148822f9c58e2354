import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// Refresh tokens: which ones still refresh, the one way they refresh (with the client's rotation), and
/// GetTokensFromRefreshToken.
struct RefreshTokens {
    let deps: ServiceDependencies

    static let invalid = CognitoError(.notAuthorizedException, "Invalid Refresh Token.")
    static let revoked = CognitoError(.notAuthorizedException, "Refresh Token has been revoked")

    /// The record and its user, when the token is the client's, live, not revoked, and not rotated out
    /// beyond the client's grace period.
    /// The record and user of a refresh token that may refresh now. A token issued to a device the user has
    /// confirmed refreshes only with that device's key, as in Cognito.
    func validate(_ token: String, pool: UserPool, client: AppClient, deviceKey: String?) async throws -> (RefreshTokenRecord, User) {
        let now = deps.clock.now()
        guard let record = try await StorageError.ifPresent({ try await deps.storage.refreshToken(hash: OpaqueToken.hash(token)) }),
            record.poolID == pool.id, record.clientID == client.clientID, record.metadataURL == client.metadataURL,
            record.expiresAt > now
        else { throw Self.invalid }
        // Revoked by GlobalSignOut, AdminUserGlobalSignOut, RevokeToken or disabling the user: AWS says so.
        guard !record.revoked else { throw Self.revoked }
        // Its tracked session ended (revoked, evicted at the user's maximum): so did the token.
        guard try await UserSessions(deps: deps).holds(record.sessionID) else { throw Self.revoked }
        try Self.checkNotRotatedOut(record, client: client, now: now)
        let user = try await StorageError.map(notFound: Self.invalid) {
            try await deps.storage.user(poolID: pool.id, usernameKey: record.usernameKey)
        }
        guard user.enabled else { throw CognitoError(.notAuthorizedException, "User is disabled.") }
        if let bound = record.deviceKey, user.device(bound)?.isConfirmed == true, deviceKey != bound { throw Self.invalid }
        return (record, user)
    }

    static let reused = CognitoError(.refreshTokenReuseException, "The refresh token was already rotated and may not be used again.")

    /// A rotated token refreshes only within the client's grace period after its rotation. A request that
    /// began before a concurrent one rotated the token (its `now` earlier than the rotation, as on another
    /// node) is no exception: without a grace period it is refused.
    static func checkNotRotatedOut(_ record: RefreshTokenRecord, client: AppClient, now: Date) throws(CognitoError) {
        if let rotated = record.rotatedAt, max(now, rotated) >= rotated.addingTimeInterval(grace(client)) { throw reused }
    }

    static func grace(_ client: AppClient) -> TimeInterval {
        TimeInterval(client.settings.refreshTokenRotation?.retryGracePeriodSeconds ?? 0)
    }

    /// The one rule of refreshing, for REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken and the token endpoint's
    /// refresh grant: a token that may refresh now (`validate`) gets new access and ID tokens with its sign-in's
    /// scopes, device and authentication time. Where the caller's flow rotates (`rotates`) and the client has
    /// rotation on, the token is marked rotated in storage first — of concurrent refreshes with one token,
    /// exactly one finds it unrotated; the others are held to the grace period like any later reuse — and a
    /// new refresh token comes with the tokens. `check` runs once the user is known (REFRESH_TOKEN_AUTH's
    /// SECRET_HASH may be computed with their username or sub).
    func refresh(
        _ token: String, pool: UserPool, client: AppClient, deviceKey: String?, generation: TokenGeneration, rotates: Bool,
        check: (User) throws -> Void = { _ in }
    ) async throws -> AuthenticationResultType {
        let (record, user) = try await validate(token, pool: pool, client: client, deviceKey: deviceKey)
        try check(user)
        let issuer = TokenIssuer(deps: deps)
        guard rotates, client.settings.refreshTokenRotation?.feature == .enabled else {
            try await UserSessions(deps: deps).touch(record.sessionID)
            return try await issuer.tokens(
                generation, pool: pool, client: client, user: user, originJTI: record.originJTI, authTime: record.authTime,
                deviceKey: record.deviceKey, scopes: record.scopes)
        }
        let now = deps.clock.now()
        let before = try await StorageError.map(notFound: Self.invalid) {
            try await deps.storage.markRotated(hash: record.tokenHash, at: now)
        }
        try Self.checkNotRotatedOut(before, client: client, now: now)
        return try await issuer.signIn(
            generation, pool: pool, client: client, user: user, authTime: record.authTime, deviceKey: record.deviceKey, scopes: record.scopes,
            session: .continuing(record.sessionID))
    }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetTokensFromRefreshToken.self) { input, _ in
            let (pool, client) = try await ClientGate(deps: deps).resolve(clientID: input.clientId)
            try ClientGate(deps: deps).requireClientSecret(input.clientSecret, client)
            return GetTokensFromRefreshTokenResponse(
                authenticationResult: try await refresh(
                    input.refreshToken, pool: pool, client: client, deviceKey: input.deviceKey,
                    generation: TokenGeneration(.refreshTokens, clientMetadata: input.clientMetadata), rotates: true))
        }
    }
}
