import CognateCrypto
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
        BigEndian.hex(SHA256.hash(data: Data(code.utf8)))
    }

    /// Wrong codes allowed against one sent code; after them every attempt is refused until a new code is sent.
    static let attemptLimit = 5

    /// What presenting a code for a purpose comes to, given the user's stored code.
    enum Outcome: Equatable {
        case match(PendingCode)
        case mismatch
        case expired
        case attemptsExhausted
    }

    static func evaluate(_ code: String, purpose: String, user: User, now: Date) -> Outcome {
        guard let pending = user.codes?[purpose] else { return .mismatch }
        if (pending.failedAttempts ?? 0) >= attemptLimit { return .attemptsExhausted }
        if pending.expiresAt <= now { return .expired }
        return pending.hash == hash(code) ? .match(pending) : .mismatch
    }

    static let mismatch = CognitoError(.codeMismatchException, "Invalid verification code provided, please try again.")
    static let expired = CognitoError(.expiredCodeException, "Invalid code provided, please request a code again.")

    /// The stored code for `purpose` when `code` matches it; else the error AWS answers.
    static func matching(_ code: String, purpose: String, user: User, now: Date) throws(CognitoError) -> PendingCode {
        if CodeThrottling.failuresExhausted(user, now: now) { throw CodeThrottling.limitExceeded }
        switch evaluate(code, purpose: purpose, user: user, now: now) {
        case .match(let pending): return pending
        case .mismatch: throw mismatch
        case .expired: throw expired
        case .attemptsExhausted: throw CodeThrottling.limitExceeded
        }
    }

    /// Inside a user update: checks `code` again against the stored state and removes it when it matches,
    /// so a code is redeemed once even when two requests present it at the same time.
    static func consume(_ code: String, purpose: String, from user: inout User, now: Date) throws(CognitoError) -> PendingCode {
        let pending = try matching(code, purpose: purpose, user: user, now: now)
        user.codes?[purpose] = nil
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
