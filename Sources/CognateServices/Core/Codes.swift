import CognateStorage
import CognitoModel
import Crypto
import Foundation

/// One-time codes: six random digits, stored hashed on the user under a purpose, single-use, expiring.
enum Codes {
    /// How long a code stays valid (AWS: 24 hours for sign-up and attribute verification, 1 hour for a password reset).
    static func lifetime(_ purpose: String) -> TimeInterval {
        purpose == forgotPassword ? 3_600 : 86_400
    }

    static let signUp = "signup"
    static let forgotPassword = "forgot-password"
    static func verify(_ attribute: String) -> String { "verify:" + attribute }

    static func generate(_ random: any RandomSource) -> String {
        random.string(6, from: Alphabets.digits)
    }

    static func hash(_ code: String) -> String {
        SHA256.hash(data: Data(code.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks `code` against the user's code for `purpose`; answers it (to be removed by the caller's update).
    static func check(_ code: String, purpose: String, user: User, now: Date) throws(CognitoError) -> PendingCode {
        guard let pending = user.codes?[purpose] else {
            throw CognitoError(.codeMismatchException, "Invalid verification code provided, please try again.")
        }
        guard pending.expiresAt > now else {
            throw CognitoError(.expiredCodeException, "Invalid code provided, please request a code again.")
        }
        guard pending.hash == hash(code) else {
            throw CognitoError(.codeMismatchException, "Invalid verification code provided, please try again.")
        }
        return pending
    }

    /// A destination as Cognito shows it: `a***@e***` for an email address, `+*******1234` for a phone number.
    static func mask(_ destination: String, medium: DeliveryMediumType) -> String {
        if medium == .email {
            let parts = destination.split(separator: "@", maxSplits: 1)
            guard parts.count == 2 else { return "***" }
            return "\(parts[0].prefix(1))***@\(parts[1].prefix(1))***"
        }
        let digits = destination.count
        return "+" + String(repeating: "*", count: max(digits - 5, 0)) + destination.suffix(4)
    }
}
