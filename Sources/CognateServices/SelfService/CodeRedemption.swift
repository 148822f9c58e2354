import CognateStorage
import CognitoModel
import Foundation
import Synchronization

/// Checks one-time codes presented by users (sign-up confirmation, password reset, attribute
/// verification) and counts the wrong ones: after `Codes.attemptLimit` wrong codes the stored code is
/// refused with LimitExceededException, even when right, until a new code is sent; and a user's wrong
/// guesses across codes are bounded by `CodeThrottling`.
struct CodeRedemption {
    let deps: ServiceDependencies

    /// The stored code when `code` matches it. A guess that does not match is judged and counted in one
    /// update of the user, against the stored state at that moment, so concurrent guesses are all counted
    /// and none is judged on a stale count.
    @discardableResult
    func check(_ code: String, purpose: String, pool: UserPool, user: User) async throws -> PendingCode {
        let now = deps.clock.now()
        if !CodeThrottling.failuresExhausted(user, now: now), case .match(let pending) = Codes.evaluate(code, purpose: purpose, user: user, now: now)
        {
            // A match uses nothing up yet: redeeming it (Codes.consume) checks it again atomically.
            return pending
        }
        let outcome = Mutex<Codes.Outcome>(.mismatch)
        let wrongHash = Codes.hash(code)
        _ = try await UserAdminService(deps).update(pool, user) { user in
            if CodeThrottling.failuresExhausted(user, now: now) {
                outcome.withLock { $0 = .attemptsExhausted }
                return
            }
            let judged = Codes.evaluate(code, purpose: purpose, user: user, now: now)
            outcome.withLock { $0 = judged }
            guard judged == .mismatch || judged == .expired else { return }
            if judged == .mismatch, var pending = user.codes?[purpose], pending.hash != wrongHash {
                pending.failedAttempts = (pending.failedAttempts ?? 0) + 1
                user.codes?[purpose] = pending
            }
            CodeThrottling.recordFailure(&user, now: now)
        }
        switch outcome.withLock({ $0 }) {
        case .match(let pending): return pending
        case .mismatch: throw Codes.mismatch
        case .expired: throw Codes.expired
        case .attemptsExhausted: throw CodeThrottling.limitExceeded
        }
    }
}
