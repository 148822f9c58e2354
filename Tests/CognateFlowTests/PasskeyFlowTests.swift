import CognateStorage
import CognateTesting
import CognitoModel
import Testing

/// Passkeys: registration with an access token (StartWebAuthnRegistration, CompleteWebAuthnRegistration),
/// then USER_AUTH's WEB_AUTHN challenge answered by the authenticator, and what the relying party refuses.
@Suite struct PasskeyFlowTests {
    static let password = "Str0ng-Passw0rd!"
    static let rpID = "app.example.com"
    static let origin = "https://app.example.com"

    /// A pool that allows PASSWORD and WEB_AUTHN first, with its relying party ID, a USER_AUTH client and
    /// a confirmed user; answers the client and the user's access token.
    func passkeyPool(_ cognate: TestCognate, verification: UserVerificationType = .preferred) async throws -> (TestCognate.Client, String) {
        let pool = try await cognate.pool {
            $0.policies = UserPoolPolicyType(signInPolicy: SignInPolicyType(allowedFirstAuthFactors: [.password, .webAuthn]))
        }
        try await cognate.call(
            Operations.SetUserPoolMfaConfig.self,
            SetUserPoolMfaConfigRequest(
                userPoolId: pool, webAuthnConfiguration: WebAuthnConfigurationType(relyingPartyId: Self.rpID, userVerification: verification)))
        let client = try await cognate.client(pool, flows: [.allowUserAuth, .allowUserPasswordAuth, .allowRefreshTokenAuth])
        try await cognate.confirmedUser(pool, "pia", password: Self.password)
        let access = try await cognate.signIn(client, "pia", Self.password).accessToken ?? ""
        return (client, access)
    }

    /// Registers `passkey` for the user of `access`, answering the options from `origin`.
    func register(_ cognate: TestCognate, _ passkey: Passkey, access: String, origin: String = Self.origin) async throws {
        let options = try await cognate.call(
            Operations.StartWebAuthnRegistration.self, StartWebAuthnRegistrationRequest(accessToken: access), iamAuthorized: false)
        #expect(options.credentialCreationOptions[member: "rp"]?[member: "id"]?.text == Self.rpID)
        try await cognate.call(
            Operations.CompleteWebAuthnRegistration.self,
            CompleteWebAuthnRegistrationRequest(accessToken: access, credential: passkey.register(options.credentialCreationOptions, origin: origin)),
            iamAuthorized: false)
    }

    @Test func aRegisteredPasskeySignsIn() async throws {
        try await TestCognate.with { cognate in
            let (client, access) = try await passkeyPool(cognate)
            let passkey = Passkey()
            try await register(cognate, passkey, access: access)
            let listed = try await cognate.call(
                Operations.ListWebAuthnCredentials.self, ListWebAuthnCredentialsRequest(accessToken: access), iamAuthorized: false)
            #expect(listed.credentials.map(\.credentialId) == [passkey.credentialID])
            #expect(listed.credentials.first?.relyingPartyId == Self.rpID)

            // With a passkey, USER_AUTH offers WEB_AUTHN; the preferred challenge comes at once.
            #expect(try await cognate.initiate(client, .userAuth, "pia").availableChallenges?.contains(.webAuthn) == true)
            let challenge = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            #expect(challenge.challengeName == .webAuthn)
            let options = try #require(challenge.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"])
            #expect(options.contains(passkey.credentialID))
            let tokens = try await cognate.respond(
                client, .webAuthn, session: challenge.session, "pia", ["CREDENTIAL": passkey.assert(options, origin: Self.origin)])
            #expect(JWTClaims.of(tokens.authenticationResult?.idToken)[member: "cognito:username"]?.text == "pia")

            // A second sign-in counts up; the stored count follows.
            let again = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            let second = try await cognate.respond(
                client, .webAuthn, session: again.session, "pia",
                ["CREDENTIAL": passkey.assert(again.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"] ?? "", origin: Self.origin)])
            #expect(second.authenticationResult?.accessToken != nil)
        }
    }

    @Test func anAssertionFromAnotherOriginOrKeyIsRefused() async throws {
        try await TestCognate.with { cognate in
            let (client, access) = try await passkeyPool(cognate)
            let passkey = Passkey()
            try await register(cognate, passkey, access: access)

            let challenge = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            let options = challenge.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"] ?? ""
            await expectError(.webAuthnOriginNotAllowedException) {
                try await cognate.respond(
                    client, .webAuthn, session: challenge.session, "pia", ["CREDENTIAL": passkey.assert(options, origin: "https://evil.example")])
            }

            // The same credential ID signed by another key.
            let impostor = Passkey(id: passkey.id)
            let next = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            await expectError(.notAuthorizedException) {
                try await cognate.respond(
                    client, .webAuthn, session: next.session, "pia",
                    ["CREDENTIAL": impostor.assert(next.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"] ?? "", origin: Self.origin)])
            }

            // An assertion over another sign-in's challenge.
            let first = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            let second = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            await expectError(.notAuthorizedException) {
                try await cognate.respond(
                    client, .webAuthn, session: second.session, "pia",
                    ["CREDENTIAL": passkey.assert(first.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"] ?? "", origin: Self.origin)])
            }
        }
    }

    @Test func requiredUserVerificationRefusesAPresenceOnlyAssertion() async throws {
        try await TestCognate.with { cognate in
            let (client, access) = try await passkeyPool(cognate, verification: .required)
            let passkey = Passkey()
            try await register(cognate, passkey, access: access)
            let challenge = try await cognate.initiate(client, .userAuth, "pia", ["PREFERRED_CHALLENGE": "WEB_AUTHN"])
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(
                    client, .webAuthn, session: challenge.session, "pia",
                    [
                        "CREDENTIAL": passkey.assert(
                            challenge.challengeParameters?["CREDENTIAL_REQUEST_OPTIONS"] ?? "", origin: Self.origin, userVerified: false)
                    ])
            }
        }
    }

    @Test func registrationChecksItsOriginAndChallenge() async throws {
        try await TestCognate.with { cognate in
            let (_, access) = try await passkeyPool(cognate)
            await expectError(.webAuthnOriginNotAllowedException) {
                try await register(cognate, Passkey(), access: access, origin: "https://app.example.com.evil.example")
            }
            // Without a started registration there is no challenge to answer.
            let options = try await cognate.call(
                Operations.StartWebAuthnRegistration.self, StartWebAuthnRegistrationRequest(accessToken: access), iamAuthorized: false)
            let credential = Passkey().register(options.credentialCreationOptions, origin: Self.origin)
            try await cognate.call(
                Operations.CompleteWebAuthnRegistration.self, CompleteWebAuthnRegistrationRequest(accessToken: access, credential: credential),
                iamAuthorized: false)
            await expectError(.webAuthnChallengeNotFoundException) {
                try await cognate.call(
                    Operations.CompleteWebAuthnRegistration.self, CompleteWebAuthnRegistrationRequest(accessToken: access, credential: credential),
                    iamAuthorized: false)
            }
        }
    }

    @Test func withoutWebAuthnAmongTheFirstFactorsThereAreNoPasskeys() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "pia", password: Self.password)
            let access = try await cognate.signIn(client, "pia", Self.password).accessToken ?? ""
            await expectError(.webAuthnNotEnabledException) {
                try await cognate.call(
                    Operations.StartWebAuthnRegistration.self, StartWebAuthnRegistrationRequest(accessToken: access), iamAuthorized: false)
            }
        }
    }
}
