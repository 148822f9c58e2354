import CognitoModel
import Testing

@testable import CognateServices

/// Password policies are enforced, and generated temporary passwords always satisfy them.
@Suite struct PasswordRulesTests {
    @Test func defaultPolicyRequiresEveryClass() {
        let rules = PasswordRules(nil)
        #expect(throws: CognitoError.self) { try rules.check("Short1!", setting: .change) }
        #expect(throws: CognitoError.self) { try rules.check("alllowercase1!", setting: .change) }
        #expect(throws: CognitoError.self) { try rules.check("NoNumbers!!", setting: .change) }
        #expect(throws: CognitoError.self) { try rules.check("NoSymbols123", setting: .change) }
        #expect(throws: Never.self) { try rules.check("Valid-Passw0rd", setting: .change) }
    }

    @Test func relaxedPolicy() {
        let rules = PasswordRules(
            PasswordPolicyType(minimumLength: 6, requireUppercase: false, requireLowercase: false, requireNumbers: false, requireSymbols: false))
        #expect(throws: Never.self) { try rules.check("simple", setting: .change) }
        #expect(throws: CognitoError.self) { try rules.check("short", setting: .change) }
    }

    @Test func temporaryPasswordsSatisfyThePolicy() {
        let rules = PasswordRules(
            PasswordPolicyType(minimumLength: 12, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true))
        for _ in 0..<200 {
            let password = rules.temporaryPassword(SystemRandom())
            #expect(throws: Never.self) { try rules.check(password, setting: .change) }
        }
    }

    @Test func refusalsUseAWSsWordsForWhereThePasswordIsSet() {
        let rules = PasswordRules(nil)
        func message(_ setting: PasswordRules.Setting) -> String? {
            do {
                try rules.check("Short1!", setting: setting)
                return nil
            } catch { return error.message }
        }
        #expect(message(.signUp) == "Password did not conform with policy: Password not long enough")
        #expect(message(.temporary) == "Password did not conform with password policy: Password not long enough")
        #expect(message(.change) == "Password does not conform to policy: Password not long enough")
    }
}
