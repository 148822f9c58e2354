import CognateServices
import CognateStorage
import CognateTesting
import CognitoModel
import Testing

/// Threat protection in process: Cognate's risk model as documented (new address, device and country, recent
/// failures, feedback), the always-block list for IPv4 and IPv6, and the compromised-password list.
@Suite struct ThreatProtectionFlowTests {
    static let password = "Passw0rd!"

    struct Atlas: GeoLocator {
        func locate(_ address: String) throws -> GeoLocation? {
            address.hasPrefix("203.0.113.")
                ? GeoLocation(city: "Lisbon", country: "Portugal") : GeoLocation(city: "Seattle", country: "United States")
        }
    }

    func events(_ cognate: TestCognate, _ pool: String) async throws -> [AuthEventType] {
        try await cognate.call(Operations.AdminListUserAuthEvents.self, AdminListUserAuthEventsRequest(userPoolId: pool, username: "alice"))
            .authEvents ?? []
    }

    func signIn(
        _ cognate: TestCognate, _ client: TestCognate.Client, from address: String, agent: String = "Boto3/1.44.8", password: String = password
    )
        async throws
    {
        _ = try await RequestOrigin.$current.withValue(RequestOrigin(ipAddress: address, userAgent: agent)) {
            try await cognate.signIn(client, "alice", password)
        }
    }

    func auditedPool(_ cognate: TestCognate) async throws -> (String, TestCognate.Client) {
        let pool = try await cognate.pool {
            $0.userPoolTier = .plus
            $0.userPoolAddOns = UserPoolAddOnsType(advancedSecurityMode: .audit)
        }
        let client = try await cognate.client(pool)
        try await cognate.confirmedUser(pool, "alice", password: Self.password)
        return (pool, client)
    }

    @Test func theModelCountsWhatIsNewAboutASignIn() async throws {
        try await TestCognate.with(geoIP: Atlas()) { cognate in
            let (pool, client) = try await auditedPool(cognate)
            try await signIn(cognate, client, from: "192.0.2.1")
            try await signIn(cognate, client, from: "192.0.2.1")
            try await signIn(cognate, client, from: "192.0.2.2")
            try await signIn(cognate, client, from: "198.51.100.1", agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0")
            try await signIn(cognate, client, from: "203.0.113.9", agent: "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0")
            let levels = try await events(cognate, pool).reversed().map { $0.eventRisk?.riskLevel?.rawValue ?? "none" }
            // First: nothing to compare with; same place: none; a new address: Low; address and device: Medium;
            // address, device and country: High.
            #expect(levels == ["none", "none", "Low", "Medium", "High"])
            let newest = try #require(try await events(cognate, pool).first)
            #expect(newest.eventContextData?.country == "Portugal" && newest.eventContextData?.city == "Lisbon")
            #expect(newest.eventContextData?.deviceName == "Firefox on Windows")
        }
    }

    @Test func recentFailuresAndFeedbackChangeTheRisk() async throws {
        try await TestCognate.with { cognate in
            let (pool, client) = try await auditedPool(cognate)
            try await signIn(cognate, client, from: "192.0.2.1")
            for _ in 0..<3 {
                await #expect(throws: CognitoError.self) { try await signIn(cognate, client, from: "192.0.2.1", password: "Wr0ng!pass") }
            }
            try await signIn(cognate, client, from: "192.0.2.1")
            #expect(try await events(cognate, pool).first?.eventRisk?.riskLevel == .low)
            // An hour later the failures no longer count.
            cognate.clock.advance(by: 3_601)
            try await signIn(cognate, client, from: "192.0.2.1")
            #expect(try await events(cognate, pool).first?.eventRisk?.riskLevel == nil)
            // A sign-in marked Valid makes its address and device trusted; Invalid makes its address High.
            try await signIn(cognate, client, from: "198.51.100.7")
            let strange = try #require(try await events(cognate, pool).first)
            #expect(strange.eventRisk?.riskLevel == .low)
            try await cognate.call(
                Operations.AdminUpdateAuthEventFeedback.self,
                AdminUpdateAuthEventFeedbackRequest(userPoolId: pool, username: "alice", eventId: strange.eventId ?? "", feedbackValue: .valid))
            try await signIn(cognate, client, from: "198.51.100.7")
            #expect(try await events(cognate, pool).first?.eventRisk?.riskLevel == nil)
            try await cognate.call(
                Operations.AdminUpdateAuthEventFeedback.self,
                AdminUpdateAuthEventFeedbackRequest(userPoolId: pool, username: "alice", eventId: strange.eventId ?? "", feedbackValue: .invalid))
            try await signIn(cognate, client, from: "198.51.100.7")
            #expect(try await events(cognate, pool).first?.eventRisk?.riskLevel == .high)
        }
    }

    @Test func theAlwaysBlockListTakesIPv4AndIPv6Ranges() async throws {
        try await TestCognate.with { cognate in
            let (pool, client) = try await auditedPool(cognate)
            try await cognate.call(
                Operations.UpdateUserPool.self,
                UpdateUserPoolRequest(userPoolId: pool, userPoolAddOns: UserPoolAddOnsType(advancedSecurityMode: .enforced)))
            try await cognate.call(
                Operations.SetRiskConfiguration.self,
                SetRiskConfigurationRequest(
                    userPoolId: pool,
                    riskExceptionConfiguration: RiskExceptionConfigurationType(blockedIPRangeList: ["2001:db8::/32", "192.0.2.128/25"])))
            let refusal = CognitoError(.notAuthorizedException, "Request not allowed due to security reasons.")
            for address in ["2001:db8:1::5", "192.0.2.200", "::ffff:192.0.2.129"] {
                await #expect(throws: refusal) { try await signIn(cognate, client, from: address) }
            }
            for address in ["2001:db9::1", "192.0.2.127"] { try await signIn(cognate, client, from: address) }
        }
    }

    @Test func compromisedPasswordsMatchAsGivenOrInLowercase() {
        let list = CompromisedPasswords(
            lines: ["# a comment", "", "summer2024!", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493"], adding: .builtIn)
        #expect(list.contains("summer2024!") && list.contains("Summer2024!") && !list.contains("Summer2025!"))
        // The SHA-1 of "password", given as a breach corpus gives it.
        #expect(list.contains("password") && list.contains("Password"))
        #expect(CompromisedPasswords.builtIn.contains("123456") && CompromisedPasswords.builtIn.contains("qwerty"))
        #expect(!CompromisedPasswords.builtIn.contains("correct horse battery staple 91!"))
        #expect(CompromisedPasswords.builtIn.count > 3_000)
    }

    /// With a CustomEmailSender, the notice of a risky sign-in goes to the function (AccountTakeOverNotification,
    /// no code, the event's details among the user's attributes), and the outbox only says so.
    @Test func aNoticeGoesToTheCustomEmailSender() async throws {
        try await TestCognate.with { cognate in
            let sender = "arn:aws:lambda:us-east-1:123456789012:function:sender"
            let pool = try await cognate.pool {
                $0.userPoolTier = .plus
                $0.userPoolAddOns = UserPoolAddOnsType(advancedSecurityMode: .enforced)
                $0.lambdaConfig = LambdaConfigType(
                    customEmailSender: CustomEmailLambdaVersionConfigType(lambdaVersion: .v10, lambdaArn: sender),
                    kmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            }
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: Self.password, email: "alice@example.com")
            try await cognate.call(
                Operations.SetRiskConfiguration.self,
                SetRiskConfigurationRequest(
                    userPoolId: pool,
                    accountTakeoverRiskConfiguration: AccountTakeoverRiskConfigurationType(
                        actions: AccountTakeoverActionsType(highAction: AccountTakeoverActionType(notify: true, eventAction: .block)))))
            try await NextSignInRisk(storage: cognate.storage).set(poolID: pool, username: "alice", level: "High")
            await #expect(throws: CognitoError(.notAuthorizedException, "Unable to login because of security reasons.")) {
                try await signIn(cognate, client, from: "192.0.2.1")
            }
            let notice = try #require(cognate.functions.invocations.last)
            #expect(notice.function == sender && notice.asynchronous)
            #expect(notice.triggerSource == "CustomEmailSender_AccountTakeOverNotification")
            let request = notice.event[member: "request"]
            #expect(request?[member: "code"] == .null)
            let attributes = request?[member: "userAttributes"]
            let event = try #require(try await events(cognate, pool).first)
            #expect(attributes?[member: "EVENT_ID"]?.text == event.eventId)
            #expect(attributes?[member: "ACCOUNT_TAKE_OVER_ACTION"]?.text == "BLOCK")
            #expect(attributes?[member: "IP_ADDRESS"]?.text == "192.0.2.1")
            #expect(attributes?[member: "email"]?.text == "alice@example.com")
            // The token the function was given is the one UpdateAuthEventFeedback takes.
            let token = try #require(attributes?[member: "FEEDBACK_TOKEN"]?.text)
            try await cognate.call(
                Operations.UpdateAuthEventFeedback.self,
                UpdateAuthEventFeedbackRequest(
                    userPoolId: pool, username: "alice", eventId: event.eventId ?? "", feedbackToken: token, feedbackValue: .valid),
                iamAuthorized: false)
            #expect(try await events(cognate, pool).first?.eventFeedback?.feedbackValue == .valid)
            let outbox = try await cognate.messages(to: "alice@example.com")
            #expect(outbox.last?.purpose == "risk-notification" && outbox.last?.body.contains("CustomEmailSender") == true)
        }
    }

    /// CUSTOM_AUTH is evaluated under CustomAuthMode: its event has no password step, BLOCK refuses it at
    /// InitiateAuth, and its completion passes the event.
    @Test func customAuthenticationUnderItsOwnMode() async throws {
        try await TestCognate.with { cognate in
            cognate.functions.answer(CustomAuthFlowTests.challenges)
            let function = CustomAuthFlowTests.function
            let pool = try await cognate.pool {
                $0.userPoolTier = .plus
                $0.userPoolAddOns = UserPoolAddOnsType(
                    advancedSecurityMode: .enforced, advancedSecurityAdditionalFlows: AdvancedSecurityAdditionalFlowsType(customAuthMode: .enforced))
                $0.lambdaConfig = LambdaConfigType(
                    defineAuthChallenge: function, createAuthChallenge: function, verifyAuthChallengeResponse: function)
            }
            let client = try await cognate.client(pool, flows: [.allowCustomAuth])
            try await cognate.confirmedUser(pool, "alice", password: Self.password, email: "alice@example.com")
            let first = try await cognate.initiate(client, .customAuth, "alice")
            #expect(try await events(cognate, pool).first?.eventResponse == .inProgress)
            let done = try await cognate.respond(client, .customChallenge, session: first.session, "alice", ["ANSWER": "100000"])
            #expect(done.authenticationResult != nil)
            let event = try #require(try await events(cognate, pool).first)
            #expect(event.eventResponse == .pass && event.challengeResponses == [])
            try await cognate.call(
                Operations.SetRiskConfiguration.self,
                SetRiskConfigurationRequest(
                    userPoolId: pool,
                    accountTakeoverRiskConfiguration: AccountTakeoverRiskConfigurationType(
                        actions: AccountTakeoverActionsType(highAction: AccountTakeoverActionType(notify: false, eventAction: .block)))))
            try await NextSignInRisk(storage: cognate.storage).set(poolID: pool, username: "alice", level: "High")
            await #expect(throws: CognitoError(.notAuthorizedException, "Unable to login because of security reasons.")) {
                _ = try await cognate.initiate(client, .customAuth, "alice")
            }
            // Without CustomAuthMode, custom sign-ins are not evaluated.
            try await cognate.call(
                Operations.UpdateUserPool.self,
                UpdateUserPoolRequest(
                    userPoolId: pool,
                    lambdaConfig: LambdaConfigType(
                        defineAuthChallenge: function, createAuthChallenge: function, verifyAuthChallengeResponse: function),
                    userPoolAddOns: UserPoolAddOnsType(advancedSecurityMode: .enforced)))
            let before = try await events(cognate, pool).count
            try await NextSignInRisk(storage: cognate.storage).set(poolID: pool, username: "alice", level: "High")
            _ = try await cognate.initiate(client, .customAuth, "alice")
            #expect(try await events(cognate, pool).count == before)
        }
    }

    /// A step-up asked for at the password is carried through a new-password step to the MFA challenge.
    @Test func aStepUpOutlivesTheNewPasswordStep() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool {
                $0.userPoolTier = .plus
                $0.userPoolAddOns = UserPoolAddOnsType(advancedSecurityMode: .enforced)
                $0.emailConfiguration = EmailConfigurationType(
                    sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com", emailSendingAccount: .developer,
                    from: "no-reply@example.com")
            }
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(
                    userPoolId: pool, emailMfaConfiguration: EmailMfaConfigType(message: "{####}", subject: "Code"), mfaConfiguration: .optional))
            try await cognate.call(
                Operations.SetRiskConfiguration.self,
                SetRiskConfigurationRequest(
                    userPoolId: pool,
                    accountTakeoverRiskConfiguration: AccountTakeoverRiskConfigurationType(
                        actions: AccountTakeoverActionsType(highAction: AccountTakeoverActionType(notify: false, eventAction: .mfaRequired)))))
            let client = try await cognate.client(pool)
            try await cognate.call(
                Operations.AdminCreateUser.self,
                AdminCreateUserRequest(
                    userPoolId: pool, username: "alice",
                    userAttributes: [AttributeType(name: "email", value: "alice@example.com"), AttributeType(name: "email_verified", value: "true")],
                    temporaryPassword: "Tempor4ry!Pass", messageAction: .suppress))
            try await NextSignInRisk(storage: cognate.storage).set(poolID: pool, username: "alice", level: "High")
            let first = try await cognate.initiate(client, .userPasswordAuth, "alice", ["PASSWORD": "Tempor4ry!Pass"])
            #expect(first.challengeName == .newPasswordRequired)
            let second = try await cognate.respond(client, .newPasswordRequired, session: first.session, "alice", ["NEW_PASSWORD": Self.password])
            #expect(second.challengeName == .emailOtp)
            let code = try await cognate.lastCode(to: "alice@example.com")
            let done = try await cognate.respond(client, .emailOtp, session: second.session, "alice", ["EMAIL_OTP_CODE": code])
            #expect(done.authenticationResult != nil)
            let event = try #require(try await events(cognate, pool).first)
            #expect(event.eventResponse == .pass && event.eventRisk?.riskDecision == .accountTakeover)
        }
    }
}
