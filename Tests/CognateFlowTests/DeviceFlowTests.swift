import CognateCrypto
import CognateTesting
import CognitoModel
import Foundation
import Testing

/// Remembered devices: NewDeviceMetadata after a sign-in, ConfirmDevice with the device's SRP verifier, and
/// device SRP (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) standing in for MFA while the device is remembered.
@Suite struct DeviceFlowTests {
    static let password = "Str0ng-Passw0rd!"
    static let phone = "+15555550166"

    /// A remembered device as an SDK keeps it: its key, group key and the secret only it knows.
    struct RememberedDevice {
        var key: String
        var groupKey: String
        var secret: String
    }

    func devicePool(_ cognate: TestCognate) async throws -> TestCognate.Client {
        let pool = try await cognate.pool {
            $0.deviceConfiguration = DeviceConfigurationType(challengeRequiredOnNewDevice: true, deviceOnlyRememberedOnUserPrompt: false)
        }
        try await cognate.call(
            Operations.SetUserPoolMfaConfig.self,
            SetUserPoolMfaConfigRequest(
                userPoolId: pool,
                smsMfaConfiguration: SmsMfaConfigType(
                    smsAuthenticationMessage: "Code {####}",
                    smsConfiguration: SmsConfigurationType(snsCallerArn: "arn:aws:iam::000000000000:role/sns")),
                mfaConfiguration: .optional))
        let client = try await cognate.client(pool)
        try await cognate.confirmedUser(pool, "dana", password: Self.password, phone: Self.phone)
        try await cognate.call(
            Operations.AdminSetUserMFAPreference.self,
            AdminSetUserMFAPreferenceRequest(smsMfaSettings: SMSMfaSettingsType(enabled: true), username: "dana", userPoolId: pool))
        return client
    }

    /// SRP, then the SMS code: the tokens of a sign-in from a new device.
    func signInWithSMS(_ cognate: TestCognate, _ client: TestCognate.Client) async throws -> AuthenticationResultType {
        let challenge = try await cognate.signInWithSRP(client, "dana", Self.password)
        #expect(challenge.challengeName == .smsMfa)
        let code = try await cognate.lastCode(to: Self.phone)
        return try #require(
            try await cognate.respond(client, .smsMfa, session: challenge.session, "dana", ["SMS_MFA_CODE": code]).authenticationResult)
    }

    /// ConfirmDevice with a verifier made from a fresh device secret.
    func remember(_ cognate: TestCognate, _ tokens: AuthenticationResultType) async throws -> RememberedDevice {
        let metadata = try #require(tokens.newDeviceMetadata)
        let device = RememberedDevice(key: metadata.deviceKey ?? "", groupKey: metadata.deviceGroupKey ?? "", secret: "device-secret-1")
        let salt: [UInt8] = Array(repeating: 0x21, count: 16)
        let verifier = CognitoSRP.shared.verifier(poolID: device.groupKey, userID: device.key, password: device.secret, saltHex: BigEndian.hex(salt))
        let confirmed = try await cognate.call(
            Operations.ConfirmDevice.self,
            ConfirmDeviceRequest(
                accessToken: tokens.accessToken ?? "", deviceKey: device.key,
                deviceSecretVerifierConfig: DeviceSecretVerifierConfigType(
                    passwordVerifier: Data(verifier).base64EncodedString(), salt: Data(salt).base64EncodedString()),
                deviceName: "laptop"),
            iamAuthorized: false)
        #expect(confirmed.userConfirmationNecessary == false)
        return device
    }

    /// The sign-in from a remembered device: SRP naming the device, then device SRP with its secret.
    func signInFromDevice(_ cognate: TestCognate, _ client: TestCognate.Client, _ device: RememberedDevice) async throws
        -> RespondToAuthChallengeResponse
    {
        let step = try await cognate.signInWithSRP(client, "dana", Self.password, deviceKey: device.key)
        guard step.challengeName == .deviceSrpAuth else { return step }
        let srp = SRPClient(secret: cognate.random.bytes(32))
        let verifier = try await cognate.respond(
            client, .deviceSrpAuth, session: step.session, "dana", ["SRP_A": srp.publicHex, "DEVICE_KEY": device.key])
        #expect(verifier.challengeName == .devicePasswordVerifier)
        let parameters = verifier.challengeParameters ?? [:]
        let timestamp = SRPTimestamp.format(cognate.clock.now())
        let signature = srp.claimSignature(
            poolID: device.groupKey, userID: device.key, password: device.secret, saltHex: parameters["SALT"] ?? "",
            serverPublicHex: parameters["SRP_B"] ?? "", secretBlock: parameters["SECRET_BLOCK"] ?? "", timestamp: timestamp)
        return try await cognate.respond(
            client, .devicePasswordVerifier, session: verifier.session, "dana",
            [
                "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"] ?? "", "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp,
                "DEVICE_KEY": device.key,
            ])
    }

    @Test func aRememberedDeviceSignsInWithoutMFA() async throws {
        try await TestCognate.with { cognate in
            let client = try await devicePool(cognate)
            let first = try await signInWithSMS(cognate, client)
            let device = try await remember(cognate, first)
            #expect(device.key.hasPrefix("us-east-1_"))
            let listed = try await cognate.call(
                Operations.ListDevices.self, ListDevicesRequest(accessToken: first.accessToken ?? ""), iamAuthorized: false)
            #expect(listed.devices?.map(\.deviceKey) == [device.key])

            let sent = try await cognate.messages(to: Self.phone).count
            let answer = try await signInFromDevice(cognate, client, device)
            let tokens = try #require(answer.authenticationResult)
            #expect(tokens.newDeviceMetadata == nil)
            #expect(try await cognate.messages(to: Self.phone).count == sent)
            #expect(JWTClaims.of(tokens.accessToken)[member: "device_key"]?.text == device.key)

            // A refresh token issued to a confirmed device refreshes only with its key.
            await #expect(throws: CognitoError.self) {
                try await cognate.call(
                    Operations.InitiateAuth.self,
                    InitiateAuthRequest(
                        authFlow: .refreshTokenAuth, authParameters: ["REFRESH_TOKEN": tokens.refreshToken ?? ""], clientId: client.id),
                    iamAuthorized: false)
            }
            let refreshed = try await cognate.call(
                Operations.InitiateAuth.self,
                InitiateAuthRequest(
                    authFlow: .refreshTokenAuth, authParameters: ["REFRESH_TOKEN": tokens.refreshToken ?? "", "DEVICE_KEY": device.key],
                    clientId: client.id),
                iamAuthorized: false)
            #expect(refreshed.authenticationResult?.accessToken != nil)
        }
    }

    @Test func theWrongDeviceSecretIsRefused() async throws {
        try await TestCognate.with { cognate in
            let client = try await devicePool(cognate)
            var device = try await remember(cognate, try await signInWithSMS(cognate, client))
            device.secret = "not-the-device-secret"
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await signInFromDevice(cognate, client, device)
            }
        }
    }

    @Test func aForgottenOrNotRememberedDeviceAsksForMFAAgain() async throws {
        try await TestCognate.with { cognate in
            let client = try await devicePool(cognate)
            let first = try await signInWithSMS(cognate, client)
            let device = try await remember(cognate, first)
            try await cognate.call(
                Operations.UpdateDeviceStatus.self,
                UpdateDeviceStatusRequest(accessToken: first.accessToken ?? "", deviceKey: device.key, deviceRememberedStatus: .notRemembered),
                iamAuthorized: false)
            #expect(try await signInFromDevice(cognate, client, device).challengeName == .smsMfa)
            try await cognate.call(
                Operations.AdminForgetDevice.self, AdminForgetDeviceRequest(userPoolId: client.poolID, username: "dana", deviceKey: device.key))
            let after = try await signInFromDevice(cognate, client, device)
            #expect(after.challengeName == .smsMfa)
        }
    }
}
