import CognateStorage
import CognitoModel
import Foundation
import Testing

@testable import CognateServices

/// The MFA rules that do not need a server: which factors a pool offers, which a user can be challenged
/// with, and what SetUserPoolMfaConfig accepts.
@Suite struct MfaSettingsTests {
    func user(_ attributes: [String: String], mfa: UserMFA?) -> User {
        let now = Date()
        var user = User(
            poolID: "p", username: "u", usernameKey: "u", sub: "s",
            attributes: attributes.map { UserAttribute(name: $0.key, value: $0.value) },
            status: "CONFIRMED", enabled: true, creationDate: now, lastModifiedDate: now)
        user.mfa = mfa
        return user
    }

    func pool(_ settings: UserPoolSettings) -> UserPool {
        UserPool(id: "p", name: "p", arn: "arn", creationDate: Date(), lastModifiedDate: Date(), settings: settings, schema: [], tags: [:])
    }

    @Test func poolFactors() throws {
        var settings = UserPoolSettings()
        #expect(settings.mfaFactors == [])
        settings.smsConfiguration = SmsConfigurationType(snsCallerArn: "arn:aws:iam::1:role/sns")
        #expect(settings.mfaFactors == [.sms], "a pool with an SMS configuration offers SMS MFA unless told otherwise")
        settings.emailConfiguration = EmailConfigurationType(emailSendingAccount: .developer)
        try PoolMfaService.apply(
            SetUserPoolMfaConfigRequest(
                userPoolId: "p", softwareTokenMfaConfiguration: SoftwareTokenMfaConfigType(enabled: true),
                emailMfaConfiguration: EmailMfaConfigType(subject: "s"), mfaConfiguration: .optional), to: &settings)
        #expect(settings.mfaFactors == [.softwareToken, .email])
        #expect(settings.mfaConfiguration == .optional)
        #expect(throws: CognitoError.self) {
            try PoolMfaService.apply(SetUserPoolMfaConfigRequest(userPoolId: "p", mfaConfiguration: .on), to: &settings)
        }
        settings.emailConfiguration = EmailConfigurationType(emailSendingAccount: .cognitoDefault)
        #expect(throws: CognitoError.self) {
            try PoolMfaService.apply(
                SetUserPoolMfaConfigRequest(
                    userPoolId: "p", emailMfaConfiguration: EmailMfaConfigType(subject: "s"), mfaConfiguration: .optional), to: &settings)
        }
    }

    @Test func usableFactorsNeedTheAddressAndThePool() {
        var settings = UserPoolSettings()
        settings.smsMfaEnabled = true
        var mfa = UserMFA()
        mfa.set(.sms, enabled: true)
        mfa.set(.email, enabled: true)
        #expect(MfaChallenges.usableFactors(user(["phone_number": "+15555550100"], mfa: mfa), pool(settings)) == [.sms])
        #expect(MfaChallenges.usableFactors(user([:], mfa: mfa), pool(settings)) == [])
        // A verified software token works even after the pool stops offering TOTP.
        mfa.softwareToken = SoftwareToken(secret: "AAAA", friendlyName: nil, verifiedAt: Date())
        mfa.set(.softwareToken, enabled: true)
        #expect(MfaChallenges.usableFactors(user([:], mfa: mfa), pool(settings)) == [.softwareToken])
    }

    @Test func disablingThePreferredFactorClearsThePreference() {
        var mfa = UserMFA()
        mfa.set(.sms, enabled: true)
        mfa.preferred = .sms
        mfa.set(.sms, enabled: false)
        #expect(mfa.preferred == nil && mfa.enabledFactors.isEmpty)
    }
}
