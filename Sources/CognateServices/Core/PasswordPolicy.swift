import CognitoModel
import Foundation

/// A pool's password rules: checking a password and generating a temporary one that passes them.
struct PasswordRules {
    var minimumLength: Int
    var requireUppercase: Bool
    var requireLowercase: Bool
    var requireNumbers: Bool
    var requireSymbols: Bool
    var temporaryPasswordValidityDays: Int

    /// Cognito's defaults when a pool sets no policy.
    static let defaultPolicy = PasswordPolicyType(
        minimumLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true,
        temporaryPasswordValidityDays: 7
    )

    init(_ policy: PasswordPolicyType?) {
        let p = policy ?? Self.defaultPolicy
        minimumLength = p.minimumLength ?? 8
        requireUppercase = p.requireUppercase ?? false
        requireLowercase = p.requireLowercase ?? false
        requireNumbers = p.requireNumbers ?? false
        requireSymbols = p.requireSymbols ?? false
        temporaryPasswordValidityDays = p.temporaryPasswordValidityDays ?? 7
    }

    /// Where a password is being set: AWS words its refusal differently in each (texts captured from AWS).
    enum Setting {
        /// SignUp: "Password did not conform with policy".
        case signUp
        /// An administrator's temporary password (AdminCreateUser): "Password did not conform with password policy".
        case temporary
        /// Every other place (ChangePassword, ConfirmForgotPassword, AdminSetUserPassword, NEW_PASSWORD_REQUIRED):
        /// "Password does not conform to policy".
        case change

        var prefix: String {
            switch self {
            case .signUp: "Password did not conform with policy"
            case .temporary: "Password did not conform with password policy"
            case .change: "Password does not conform to policy"
            }
        }
    }

    /// Throws InvalidPasswordException naming the first rule the password breaks, in the words AWS uses where the
    /// password is being set.
    func check(_ password: String, setting: Setting) throws(CognitoError) {
        func fail(_ reason: String) -> CognitoError {
            CognitoError(.invalidPasswordException, "\(setting.prefix): \(reason)")
        }
        if password.count < minimumLength { throw fail("Password not long enough") }
        if requireLowercase && !password.contains(where: { Alphabets.lower.contains($0) }) {
            throw fail("Password must have lowercase characters")
        }
        if requireUppercase && !password.contains(where: { Alphabets.upper.contains($0) }) {
            throw fail("Password must have uppercase characters")
        }
        if requireNumbers && !password.contains(where: { Alphabets.digits.contains($0) }) {
            throw fail("Password must have numeric characters")
        }
        if requireSymbols && !password.contains(where: { Alphabets.symbols.contains($0) }) {
            throw fail("Password must have symbol characters")
        }
    }

    /// A random password that satisfies every rule (at least 8 characters, each class present).
    func temporaryPassword(_ random: any RandomSource) -> String {
        let length = max(minimumLength, 8) + 2
        var chars: [Character] = [
            Alphabets.lower[random.int(below: Alphabets.lower.count)],
            Alphabets.upper[random.int(below: Alphabets.upper.count)],
            Alphabets.digits[random.int(below: Alphabets.digits.count)],
            Alphabets.plainSymbols[random.int(below: Alphabets.plainSymbols.count)],
        ]
        let all = Alphabets.alphanumeric + Alphabets.plainSymbols
        while chars.count < length { chars.append(all[random.int(below: all.count)]) }
        for i in stride(from: chars.count - 1, to: 0, by: -1) {
            chars.swapAt(i, random.int(below: i + 1))
        }
        return String(chars)
    }
}
