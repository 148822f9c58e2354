import CognateStorage
import CognitoModel
import Foundation

/// Bounds on how fast a user's one-time codes (sign-up, password reset, attribute verification) can be
/// guessed. Each code allows `Codes.attemptLimit` wrong guesses; on top of that, a user gets at most
/// `sendsPerWindow` codes and `failuresPerWindow` wrong guesses across all codes in a sliding window, so
/// asking for a fresh code again and again does not buy fresh guesses. Both are counted inside the
/// user's update, so concurrent requests cannot slip past them.
enum CodeThrottling {
    static let window: TimeInterval = 3_600
    static let sendsPerWindow = 10
    static let failuresPerWindow = 20

    static let limitExceeded = Errors.attemptLimitExceeded

    /// Inside a user update: records a code sent now, or throws when the window holds as many already.
    static func recordSend(_ user: inout User, now: Date) throws(CognitoError) {
        var throttle = current(user, now: now)
        guard throttle.sends.count < sendsPerWindow else { throw limitExceeded }
        throttle.sends.append(now)
        user.codeThrottle = throttle
    }

    /// Whether the user has used up their wrong guesses for now.
    static func failuresExhausted(_ user: User, now: Date) -> Bool {
        current(user, now: now).failures.count >= failuresPerWindow
    }

    /// Inside a user update: records a wrong guess made now.
    static func recordFailure(_ user: inout User, now: Date) {
        var throttle = current(user, now: now)
        throttle.failures.append(now)
        user.codeThrottle = throttle
    }

    /// The user's throttle with what left the window dropped.
    private static func current(_ user: User, now: Date) -> CodeThrottle {
        let start = now.addingTimeInterval(-window)
        var throttle = user.codeThrottle ?? CodeThrottle()
        throttle.sends.removeAll { $0 <= start }
        throttle.failures.removeAll { $0 <= start }
        return throttle
    }
}
