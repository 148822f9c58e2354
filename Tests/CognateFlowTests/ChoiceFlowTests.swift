import CognateCrypto
import CognateStorage
import CognateTesting
import CognitoModel
import Testing

/// Choice-based sign-in (USER_AUTH): the challenges offered from the pool's first factors and the user's
/// verified addresses, PREFERRED_CHALLENGE, SELECT_CHALLENGE, and each first factor signing in.
@Suite struct ChoiceFlowTests {
    static let password = "Str0ng-Passw0rd!"
    static let email = "uma@example.com"
    static let phone = "+15555550177"

    /// A pool that allows PASSWORD, EMAIL_OTP and SMS_OTP first, a USER_AUTH client and a user with a
    /// verified email address and phone number.
    func choicePool(_ cognate: TestCognate) async throws -> TestCognate.Client {
        let pool = try await cognate.pool {
            $0.policies = UserPoolPolicyType(signInPolicy: SignInPolicyType(allowedFirstAuthFactors: [.password, .emailOtp, .smsOtp]))
            $0.emailConfiguration = EmailConfigurationType(
                sourceArn: "arn:aws:ses:us-east-1:000000000000:identity/example.com", emailSendingAccount: .developer)
        }
        let client = try await cognate.client(pool, flows: [.allowUserAuth, .allowRefreshTokenAuth])
        try await cognate.confirmedUser(pool, "uma", password: Self.password, email: Self.email, phone: Self.phone)
        return client
    }

    @Test func selectChallengeListsWhatTheUserCanUse() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let choice = try await cognate.initiate(client, .userAuth, "uma")
            #expect(choice.challengeName == .selectChallenge)
            #expect(choice.availableChallenges == [.password, .passwordSrp, .emailOtp, .smsOtp])
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(client, .selectChallenge, session: choice.session, "uma", ["ANSWER": "WEB_AUTHN"])
            }
            let tokens = try await cognate.respond(
                client, .selectChallenge, session: choice.session, "uma", ["ANSWER": "PASSWORD", "PASSWORD": Self.password])
            #expect(tokens.authenticationResult?.accessToken != nil)
            // Without a verified phone number, SMS_OTP is not offered.
            try await cognate.call(
                Operations.AdminUpdateUserAttributes.self,
                AdminUpdateUserAttributesRequest(
                    userPoolId: client.poolID, username: "uma", userAttributes: [AttributeType(name: "phone_number_verified", value: "false")]))
            #expect(try await cognate.initiate(client, .userAuth, "uma").availableChallenges == [.password, .passwordSrp, .emailOtp])
        }
    }

    @Test func emailAndSmsOneTimeCodes() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let email = try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "EMAIL_OTP"])
            #expect(email.challengeName == .emailOtp)
            #expect(email.challengeParameters?["CODE_DELIVERY_DESTINATION"] == "u***@e***")
            let mailed = try await cognate.lastCode(to: Self.email)
            let tokens = try await cognate.respond(client, .emailOtp, session: email.session, "uma", ["EMAIL_OTP_CODE": mailed])
            #expect(tokens.authenticationResult?.idToken != nil)

            let choice = try await cognate.initiate(client, .userAuth, "uma")
            let sms = try await cognate.respond(client, .selectChallenge, session: choice.session, "uma", ["ANSWER": "SMS_OTP"])
            #expect(sms.challengeName == .smsOtp)
            let code = try await cognate.lastCode(to: Self.phone)
            await #expect(throws: CognitoError(.codeMismatchException, "Invalid code or auth state for the user.")) {
                try await cognate.respond(client, .smsOtp, session: sms.session, "uma", ["SMS_OTP_CODE": code == "000000" ? "111111" : "000000"])
            }
            #expect(try await cognate.respond(client, .smsOtp, session: sms.session, "uma", ["SMS_OTP_CODE": code]).authenticationResult != nil)
        }
    }

    @Test func aCodeExpiresWithItsSession() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let email = try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "EMAIL_OTP"])
            let code = try await cognate.lastCode(to: Self.email)
            cognate.clock.advance(by: 60 * 60)
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(client, .emailOtp, session: email.session, "uma", ["EMAIL_OTP_CODE": code])
            }
        }
    }

    @Test func passwordFactors() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let direct = try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": Self.password])
            #expect(direct.authenticationResult != nil)
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wr0ng-Passw0rd!"])
            }
            let asked = try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "PASSWORD"])
            #expect(asked.challengeName == .password)
            #expect(
                try await cognate.respond(client, .password, session: asked.session, "uma", ["PASSWORD": Self.password]).authenticationResult != nil)
        }
    }

    @Test func passwordSRPAnswersTheVerifier() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let srp = SRPClient(secret: cognate.random.bytes(32))
            let verifier = try await cognate.initiate(client, .userAuth, "uma", ["PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srp.publicHex])
            #expect(verifier.challengeName == .passwordVerifier)
            let parameters = verifier.challengeParameters ?? [:]
            let timestamp = SRPTimestamp.format(cognate.clock.now())
            let signature = srp.claimSignature(
                poolID: client.poolID, userID: parameters["USER_ID_FOR_SRP"] ?? "", password: Self.password, saltHex: parameters["SALT"] ?? "",
                serverPublicHex: parameters["SRP_B"] ?? "", secretBlock: parameters["SECRET_BLOCK"] ?? "", timestamp: timestamp)
            let tokens = try await cognate.respond(
                client, .passwordVerifier, session: verifier.session, parameters["USER_ID_FOR_SRP"] ?? "",
                ["PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"] ?? "", "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp])
            #expect(tokens.authenticationResult?.accessToken != nil)
        }
    }

    @Test func userAuthNeedsTheClientFlowAndTheTier() async throws {
        try await TestCognate.with { cognate in
            let client = try await choicePool(cognate)
            let old = try await cognate.client(client.poolID, flows: [.allowUserPasswordAuth])
            await #expect(throws: CognitoError.self) { try await cognate.initiate(old, .userAuth, "uma") }
            let lite = try await cognate.pool("lite") { $0.userPoolTier = .lite }
            let liteClient = try await cognate.client(lite, flows: [.allowUserAuth])
            try await cognate.confirmedUser(lite, "uma", password: Self.password)
            await #expect(throws: CognitoError.self) { try await cognate.initiate(liteClient, .userAuth, "uma") }
            do {
                _ = try await cognate.initiate(liteClient, .userAuth, "uma")
            } catch let error as CognitoError {
                #expect(error.code == .featureUnavailableInTierException)
            }
        }
    }
}
