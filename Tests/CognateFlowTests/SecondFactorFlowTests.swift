import CognateStorage
import CognateTesting
import CognitoModel
import Testing

/// The challenges after the password: NEW_PASSWORD_REQUIRED, SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA,
/// MFA_SETUP and SELECT_MFA_TYPE, each answered right and wrong.
@Suite struct SecondFactorFlowTests {
    static let sms = SmsMfaConfigType(
        smsAuthenticationMessage: "Your sign-in code is {####}",
        smsConfiguration: SmsConfigurationType(snsCallerArn: "arn:aws:iam::000000000000:role/sns", externalId: "cognate"))

    func mfaPool(_ cognate: TestCognate) async throws -> String {
        try await cognate.pool {
            $0.emailConfiguration = EmailConfigurationType(
                sourceArn: "arn:aws:ses:us-east-1:000000000000:identity/example.com", emailSendingAccount: .developer, from: "noreply@example.com")
        }
    }

    @Test func anInvitedUserSetsANewPassword() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.AdminCreateUser.self,
                AdminCreateUserRequest(userPoolId: pool, username: "newbie", temporaryPassword: "Temp-Passw0rd!", messageAction: .suppress))
            let started = try await cognate.initiate(client, .userPasswordAuth, "newbie", ["PASSWORD": "Temp-Passw0rd!"])
            #expect(started.challengeName == .newPasswordRequired)
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(client, .newPasswordRequired, session: started.session, "newbie", ["NEW_PASSWORD": "short"])
            }
            let again = try await cognate.initiate(client, .userPasswordAuth, "newbie", ["PASSWORD": "Temp-Passw0rd!"])
            let done = try await cognate.respond(client, .newPasswordRequired, session: again.session, "newbie", ["NEW_PASSWORD": "New-Passw0rd!"])
            #expect(done.authenticationResult?.accessToken != nil)
            let user = try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: pool, username: "newbie"))
            #expect(user.userStatus == .confirmed)
            _ = try await cognate.signIn(client, "newbie", "New-Passw0rd!")
        }
    }

    @Test func anInvitationLeavesRequiredAttributesToTheNewPassword() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool {
                $0.schema = [
                    SchemaAttributeType(name: "name", attributeDataType: .string, mutable: true, required: true),
                    SchemaAttributeType(name: "email", attributeDataType: .string, mutable: true, required: true),
                ]
            }
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.AdminCreateUser.self,
                AdminCreateUserRequest(
                    userPoolId: pool, username: "ivy", userAttributes: [AttributeType(name: "email", value: "ivy@example.com")],
                    temporaryPassword: "Temp-Passw0rd!", messageAction: .suppress))
            let started = try await cognate.initiate(client, .userPasswordAuth, "ivy", ["PASSWORD": "Temp-Passw0rd!"])
            #expect(started.challengeParameters?["requiredAttributes"] == #"["userAttributes.name"]"#)
            await #expect(throws: CognitoError(.invalidParameterException, "Invalid attributes given, name is missing")) {
                try await cognate.respond(client, .newPasswordRequired, session: started.session, "ivy", ["NEW_PASSWORD": "New-Passw0rd!"])
            }
            await #expect(throws: CognitoError(.notAuthorizedException, "Cannot modify an already provided email")) {
                try await cognate.respond(
                    client, .newPasswordRequired, session: started.session, "ivy",
                    ["NEW_PASSWORD": "New-Passw0rd!", "userAttributes.name": "Ivy", "userAttributes.email": "ivy@example.com"])
            }
            let done = try await cognate.respond(
                client, .newPasswordRequired, session: started.session, "ivy", ["NEW_PASSWORD": "New-Passw0rd!", "userAttributes.name": "Ivy"])
            #expect(done.authenticationResult?.accessToken != nil)
        }
    }

    @Test func smsMfaTakesTheCodeThatWasSent() async throws {
        try await TestCognate.with { cognate in
            let pool = try await mfaPool(cognate)
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(userPoolId: pool, smsMfaConfiguration: Self.sms, mfaConfiguration: .optional))
            try await cognate.confirmedUser(pool, "sam", password: "Passw0rd!", phone: "+15555550123")
            try await cognate.call(
                Operations.AdminSetUserMFAPreference.self,
                AdminSetUserMFAPreferenceRequest(smsMfaSettings: SMSMfaSettingsType(enabled: true), username: "sam", userPoolId: pool))
            let challenge = try await cognate.initiate(client, .userPasswordAuth, "sam", ["PASSWORD": "Passw0rd!"])
            #expect(challenge.challengeName == .smsMfa)
            #expect(challenge.challengeParameters?["CODE_DELIVERY_DESTINATION"] == "+*******0123")
            let message = try #require(try await cognate.messages(to: "+15555550123").last)
            let code = try #require(message.code)
            #expect(message.body == "Your sign-in code is \(code)")
            await #expect(throws: CognitoError(.codeMismatchException, "Invalid code or auth state for the user.")) {
                try await cognate.respond(
                    client, .smsMfa, session: challenge.session, "sam", ["SMS_MFA_CODE": code == "000000" ? "111111" : "000000"])
            }
            let tokens = try await cognate.respond(client, .smsMfa, session: challenge.session, "sam", ["SMS_MFA_CODE": code])
            #expect(tokens.authenticationResult?.idToken != nil)
        }
    }

    @Test func emailMfaSendsItsCodeByMail() async throws {
        try await TestCognate.with { cognate in
            let pool = try await mfaPool(cognate)
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(
                    userPoolId: pool, emailMfaConfiguration: EmailMfaConfigType(message: "Sign-in code {####}", subject: "Your code"),
                    mfaConfiguration: .optional))
            try await cognate.confirmedUser(pool, "eve", password: "Passw0rd!", email: "eve@example.com")
            try await cognate.call(
                Operations.AdminSetUserMFAPreference.self,
                AdminSetUserMFAPreferenceRequest(
                    emailMfaSettings: EmailMfaSettingsType(enabled: true, preferredMfa: true), username: "eve", userPoolId: pool))
            let challenge = try await cognate.initiate(client, .userPasswordAuth, "eve", ["PASSWORD": "Passw0rd!"])
            #expect(challenge.challengeName == .emailOtp)
            #expect(challenge.challengeParameters?["CODE_DELIVERY_DESTINATION"] == "e***@e***")
            let message = try #require(try await cognate.messages(to: "eve@example.com").last)
            #expect(message.subject == "Your code")
            let tokens = try await cognate.respond(client, .emailOtp, session: challenge.session, "eve", ["EMAIL_OTP_CODE": message.code ?? ""])
            #expect(tokens.authenticationResult?.refreshToken != nil)
        }
    }

    @Test func aRequiredSecondFactorIsSetUpDuringTheSignIn() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(
                    userPoolId: pool, softwareTokenMfaConfiguration: SoftwareTokenMfaConfigType(enabled: true), mfaConfiguration: .on))
            try await cognate.confirmedUser(pool, "newbie", password: "Passw0rd!")
            let setup = try await cognate.initiate(client, .userPasswordAuth, "newbie", ["PASSWORD": "Passw0rd!"])
            #expect(setup.challengeName == .mfaSetup)
            #expect(setup.challengeParameters?["MFAS_CAN_SETUP"] == #"["SOFTWARE_TOKEN_MFA"]"#)
            let associated = try await cognate.call(
                Operations.AssociateSoftwareToken.self, AssociateSoftwareTokenRequest(session: setup.session), iamAuthorized: false)
            let secret = try #require(associated.secretCode)
            let now = Authenticator.code(secret: secret, at: cognate.clock.now())
            await #expect(throws: CognitoError.self) {
                try await cognate.call(
                    Operations.VerifySoftwareToken.self,
                    VerifySoftwareTokenRequest(session: associated.session, userCode: now == "000000" ? "111111" : "000000"),
                    iamAuthorized: false)
            }
            let verified = try await cognate.call(
                Operations.VerifySoftwareToken.self, VerifySoftwareTokenRequest(session: associated.session, userCode: now), iamAuthorized: false)
            #expect(verified.status == .success)
            let tokens = try await cognate.respond(client, .mfaSetup, session: verified.session, "newbie", [:])
            #expect(tokens.authenticationResult?.accessToken != nil)
            // From now on the sign-in asks for the app's code; a code is good once.
            cognate.clock.advance(by: 30)
            let next = try await cognate.initiate(client, .userPasswordAuth, "newbie", ["PASSWORD": "Passw0rd!"])
            #expect(next.challengeName == .softwareTokenMfa)
            let code = Authenticator.code(secret: secret, at: cognate.clock.now())
            let signedIn = try await cognate.respond(client, .softwareTokenMfa, session: next.session, "newbie", ["SOFTWARE_TOKEN_MFA_CODE": code])
            #expect(signedIn.authenticationResult != nil)
            let replay = try await cognate.initiate(client, .userPasswordAuth, "newbie", ["PASSWORD": "Passw0rd!"])
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(client, .softwareTokenMfa, session: replay.session, "newbie", ["SOFTWARE_TOKEN_MFA_CODE": code])
            }
        }
    }

    @Test func aUserWithTwoFactorsChoosesOne() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(
                    userPoolId: pool, smsMfaConfiguration: Self.sms, softwareTokenMfaConfiguration: SoftwareTokenMfaConfigType(enabled: true),
                    mfaConfiguration: .optional))
            try await cognate.confirmedUser(pool, "both", password: "Passw0rd!", phone: "+15555550188")
            let access = try #require(try await cognate.signIn(client, "both", "Passw0rd!").accessToken)
            let secret = try #require(
                try await cognate.call(
                    Operations.AssociateSoftwareToken.self, AssociateSoftwareTokenRequest(accessToken: access), iamAuthorized: false
                )
                .secretCode)
            try await cognate.call(
                Operations.VerifySoftwareToken.self,
                VerifySoftwareTokenRequest(accessToken: access, userCode: Authenticator.code(secret: secret, at: cognate.clock.now())),
                iamAuthorized: false)
            try await cognate.call(
                Operations.SetUserMFAPreference.self,
                SetUserMFAPreferenceRequest(smsMfaSettings: SMSMfaSettingsType(enabled: true), accessToken: access), iamAuthorized: false)
            let choose = try await cognate.initiate(client, .userPasswordAuth, "both", ["PASSWORD": "Passw0rd!"])
            #expect(choose.challengeName == .selectMfaType)
            #expect(choose.challengeParameters?["MFAS_CAN_CHOOSE"] == #"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#)
            let sms = try await cognate.respond(client, .selectMfaType, session: choose.session, "both", ["ANSWER": "SMS_MFA"])
            #expect(sms.challengeName == .smsMfa)
            let code = try await cognate.lastCode(to: "+15555550188")
            let tokens = try await cognate.respond(client, .smsMfa, session: sms.session, "both", ["SMS_MFA_CODE": code])
            #expect(tokens.authenticationResult != nil)
        }
    }
}
