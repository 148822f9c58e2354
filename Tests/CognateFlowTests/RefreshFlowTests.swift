import CognateTesting
import CognitoModel
import Testing

/// Refreshing: REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken with and without rotation, the grace period,
/// expiry, and the revocations that end a refresh token (RevokeToken, GlobalSignOut, disabling the user).
@Suite struct RefreshFlowTests {
    static let password = "Passw0rd!"

    func signedIn(
        _ cognate: TestCognate, configure: @escaping (inout CreateUserPoolClientRequest) -> Void = { _ in }
    ) async throws -> (TestCognate.Client, AuthenticationResultType) {
        let pool = try await cognate.pool()
        let client = try await cognate.client(pool, configure: configure)
        try await cognate.confirmedUser(pool, "alice", password: Self.password)
        return (client, try await cognate.signIn(client, "alice", Self.password))
    }

    func refreshAuth(_ cognate: TestCognate, _ client: TestCognate.Client, _ token: String?) async throws -> AuthenticationResultType? {
        try await cognate.call(
            Operations.InitiateAuth.self,
            InitiateAuthRequest(authFlow: .refreshTokenAuth, authParameters: ["REFRESH_TOKEN": token ?? ""], clientId: client.id),
            iamAuthorized: false
        ).authenticationResult
    }

    func getTokens(_ cognate: TestCognate, _ client: TestCognate.Client, _ token: String?) async throws -> AuthenticationResultType? {
        try await cognate.call(
            Operations.GetTokensFromRefreshToken.self, GetTokensFromRefreshTokenRequest(refreshToken: token ?? "", clientId: client.id),
            iamAuthorized: false
        ).authenticationResult
    }

    @Test func refreshTokenAuthMintsNewAccessAndIDTokens() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate)
            cognate.clock.advance(by: 60)
            let refreshed = try #require(try await refreshAuth(cognate, client, tokens.refreshToken))
            #expect(refreshed.refreshToken == nil)
            #expect(refreshed.accessToken != tokens.accessToken)
            let claims = JWTClaims.of(refreshed.accessToken)
            #expect(claims[member: "username"]?.text == "alice")
            #expect(claims[member: "token_use"]?.text == "access")
            // The refreshed tokens keep the sign-in's authentication time.
            #expect(claims[member: "auth_time"] != nil)
            #expect(claims[member: "auth_time"] == JWTClaims.of(tokens.accessToken)[member: "auth_time"])
            await #expect(throws: CognitoError(.notAuthorizedException, "Invalid Refresh Token.")) {
                try await refreshAuth(cognate, client, "not-a-token")
            }
        }
    }

    @Test func aRefreshTokenBelongsToItsClient() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate)
            let other = try await cognate.client(client.poolID)
            await #expect(throws: CognitoError(.notAuthorizedException, "Invalid Refresh Token.")) {
                try await refreshAuth(cognate, other, tokens.refreshToken)
            }
        }
    }

    @Test func aRefreshTokenExpiresWithTheClientsValidity() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate) {
                $0.refreshTokenValidity = 1
                $0.tokenValidityUnits = TokenValidityUnitsType(refreshToken: .hours)
            }
            cognate.clock.advance(by: 59 * 60)
            #expect(try await refreshAuth(cognate, client, tokens.refreshToken) != nil)
            cognate.clock.advance(by: 2 * 60)
            await #expect(throws: CognitoError(.notAuthorizedException, "Invalid Refresh Token.")) {
                try await refreshAuth(cognate, client, tokens.refreshToken)
            }
        }
    }

    @Test func withoutRotationATokenRefreshesAgain() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate)
            let first = try #require(try await getTokens(cognate, client, tokens.refreshToken))
            #expect(first.accessToken != nil && first.refreshToken == nil)
            #expect(try await getTokens(cognate, client, tokens.refreshToken) != nil)
        }
    }

    @Test func rotationHasOneSuccessor() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate) {
                $0.refreshTokenRotation = RefreshTokenRotationType(feature: .enabled, retryGracePeriodSeconds: 0)
            }
            let rotated = try #require(try await getTokens(cognate, client, tokens.refreshToken))
            let successor = try #require(rotated.refreshToken)
            #expect(successor != tokens.refreshToken)
            await #expect(throws: CognitoError(.refreshTokenReuseException, "The refresh token was already rotated and may not be used again.")) {
                try await getTokens(cognate, client, tokens.refreshToken)
            }
            let again = try #require(try await getTokens(cognate, client, successor))
            #expect(again.refreshToken != nil && again.refreshToken != successor)
            // Rotation retires the refresh token, not the access tokens already minted.
            let user = try await cognate.call(Operations.GetUser.self, GetUserRequest(accessToken: tokens.accessToken ?? ""), iamAuthorized: false)
            #expect(user.username == "alice")
        }
    }

    @Test func aRotatedTokenRefreshesWithinTheGracePeriodOnly() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate) {
                $0.refreshTokenRotation = RefreshTokenRotationType(feature: .enabled, retryGracePeriodSeconds: 30)
            }
            #expect(try await getTokens(cognate, client, tokens.refreshToken)?.refreshToken != nil)
            cognate.clock.advance(by: 20)
            #expect(try await getTokens(cognate, client, tokens.refreshToken)?.refreshToken != nil)
            cognate.clock.advance(by: 11)
            await #expect(throws: CognitoError.self) { try await getTokens(cognate, client, tokens.refreshToken) }
        }
    }

    @Test func revokeTokenEndsTheRefreshTokenAndItsAccessTokens() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate)
            try await cognate.call(
                Operations.RevokeToken.self, RevokeTokenRequest(token: tokens.refreshToken ?? "", clientId: client.id), iamAuthorized: false)
            await #expect(throws: CognitoError(.notAuthorizedException, "Refresh Token has been revoked")) {
                try await refreshAuth(cognate, client, tokens.refreshToken)
            }
            await #expect(throws: CognitoError.self) {
                try await cognate.call(Operations.GetUser.self, GetUserRequest(accessToken: tokens.accessToken ?? ""), iamAuthorized: false)
            }
        }
    }

    @Test func globalSignOutAndDisablingEndEveryRefreshToken() async throws {
        try await TestCognate.with { cognate in
            let (client, tokens) = try await signedIn(cognate)
            let second = try await cognate.signIn(client, "alice", Self.password)
            try await cognate.call(
                Operations.GlobalSignOut.self, GlobalSignOutRequest(accessToken: second.accessToken ?? ""), iamAuthorized: false)
            for token in [tokens.refreshToken, second.refreshToken] {
                await #expect(throws: CognitoError(.notAuthorizedException, "Refresh Token has been revoked")) {
                    try await refreshAuth(cognate, client, token)
                }
            }
            let third = try await cognate.signIn(client, "alice", Self.password)
            try await cognate.call(Operations.AdminDisableUser.self, AdminDisableUserRequest(userPoolId: client.poolID, username: "alice"))
            await #expect(throws: CognitoError.self) { try await refreshAuth(cognate, client, third.refreshToken) }
        }
    }
}
