import CognitoModel
import Testing

@testable import CognateServices

/// Password policies are enforced, and generated temporary passwords always satisfy them.
@Suite struct PasswordRulesTests {
    @Test func defaultPolicyRequiresEveryClass() {
        let rules = PasswordRules(nil)
        #expect(throws: CognitoError.self) { try rules.check("Short1!") }
        #expect(throws: CognitoError.self) { try rules.check("alllowercase1!") }
        #expect(throws: CognitoError.self) { try rules.check("NoNumbers!!") }
        #expect(throws: CognitoError.self) { try rules.check("NoSymbols123") }
        #expect(throws: Never.self) { try rules.check("Valid-Passw0rd") }
    }

    @Test func relaxedPolicy() {
        let rules = PasswordRules(
            PasswordPolicyType(minimumLength: 6, requireUppercase: false, requireLowercase: false, requireNumbers: false, requireSymbols: false))
        #expect(throws: Never.self) { try rules.check("simple") }
        #expect(throws: CognitoError.self) { try rules.check("short") }
    }

    @Test func temporaryPasswordsSatisfyThePolicy() {
        let rules = PasswordRules(
            PasswordPolicyType(minimumLength: 12, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true))
        for _ in 0..<200 {
            let password = rules.temporaryPassword(SystemRandom())
            #expect(throws: Never.self) { try rules.check(password) }
        }
    }
}
