import CognateTesting
import CognitoModel
import Testing

/// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH in-process: the tokens, and each way a sign-in is refused.
@Suite struct PasswordFlowTests {
    @Test func aConfirmedUserGetsTokensThatNameHerAndTheClient() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!", email: "alice@example.com")
            let tokens = try await cognate.signIn(client, "alice", "Passw0rd!")
            let access = JWTClaims.of(tokens.accessToken)
            let id = JWTClaims.of(tokens.idToken)
            #expect(access[member: "token_use"]?.text == "access")
            #expect(access[member: "client_id"]?.text == client.id)
            #expect(access[member: "username"]?.text == "alice")
            #expect(id[member: "token_use"]?.text == "id")
            #expect(id[member: "aud"]?.text == client.id)
            #expect(id[member: "email"]?.text == "alice@example.com")
            #expect(id[member: "cognito:username"]?.text == "alice")
            #expect(id[member: "iss"]?.text?.hasSuffix("/" + pool) == true)
            #expect(tokens.refreshToken?.isEmpty == false)
            #expect(tokens.tokenType == "Bearer")
            #expect(tokens.expiresIn == 3600)
        }
    }

    @Test func aWrongPasswordAndAnUnknownUserAreRefusedAlike() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await cognate.signIn(client, "alice", "wrong-Passw0rd!")
            }
            // A client made through the API without PreventUserExistenceErrors is LEGACY: it tells.
            await #expect(throws: CognitoError(.userNotFoundException, "User does not exist.")) {
                try await cognate.signIn(client, "nobody", "Passw0rd!")
            }
            // ENABLED: an unknown user is answered as a wrong password.
            let discreet = try await cognate.client(pool) { $0.preventUserExistenceErrors = .enabled }
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await cognate.signIn(discreet, "nobody", "Passw0rd!")
            }
        }
    }

    @Test func theFlowMustBeAllowedByTheClient() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool, flows: [.allowUserSrpAuth, .allowRefreshTokenAuth])
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            await #expect(throws: CognitoError(.invalidParameterException, "USER_PASSWORD_AUTH flow not enabled for this client")) {
                try await cognate.signIn(client, "alice", "Passw0rd!")
            }
        }
    }

    @Test func aClientWithASecretNeedsTheSecretHash() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool, secret: true)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            // With the hash (the fixture adds it) the sign-in works.
            _ = try await cognate.signIn(client, "alice", "Passw0rd!")
            var withoutSecret = client
            withoutSecret.secret = nil
            await #expect(
                throws: CognitoError(.notAuthorizedException, "Client \(client.id) is configured with secret but SECRET_HASH was not received")
            ) {
                try await cognate.signIn(withoutSecret, "alice", "Passw0rd!")
            }
            var wrongSecret = client
            wrongSecret.secret = "not-the-secret"
            await #expect(throws: CognitoError(.notAuthorizedException, "Unable to verify secret hash for client \(client.id)")) {
                try await cognate.signIn(wrongSecret, "alice", "Passw0rd!")
            }
        }
    }

    @Test func aDisabledUserIsRefused() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            try await cognate.call(Operations.AdminDisableUser.self, AdminDisableUserRequest(userPoolId: pool, username: "alice"))
            await #expect(throws: CognitoError(.notAuthorizedException, "User is disabled.")) {
                try await cognate.signIn(client, "alice", "Passw0rd!")
            }
        }
    }

    @Test func adminSignInNeedsIAMAndItsOwnFlow() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool, flows: [.allowAdminUserPasswordAuth, .allowRefreshTokenAuth])
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            let request = AdminInitiateAuthRequest(
                userPoolId: pool, clientId: client.id, authFlow: .adminUserPasswordAuth,
                authParameters: ["USERNAME": "alice", "PASSWORD": "Passw0rd!"])
            let answer = try await cognate.call(Operations.AdminInitiateAuth.self, request)
            #expect(JWTClaims.of(answer.authenticationResult?.accessToken)[member: "username"]?.text == "alice")
            let plain = try await cognate.client(pool, flows: [.allowUserPasswordAuth])
            var elsewhere = request
            elsewhere.clientId = plain.id
            await #expect(throws: CognitoError(.invalidParameterException, "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")) {
                try await cognate.call(Operations.AdminInitiateAuth.self, elsewhere)
            }
        }
    }
}
