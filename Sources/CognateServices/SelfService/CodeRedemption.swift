import CognateStorage
import CognitoModel
import Foundation

/// Checks one-time codes presented by users (sign-up confirmation, password reset, attribute
/// verification) and counts the wrong ones: after `Codes.attemptLimit` wrong codes the stored code is
/// refused with LimitExceededException, even when right, until a new code is sent.
struct CodeRedemption {
    let deps: ServiceDependencies

    /// The stored code when `code` matches it. A wrong code is counted against the stored one (inside the
    /// user's update, so concurrent guesses are all counted) before CodeMismatchException is thrown.
    @discardableResult
    func check(_ code: String, purpose: String, pool: UserPool, user: User) async throws -> PendingCode {
        let now = deps.clock.now()
        let outcome = Codes.evaluate(code, purpose: purpose, user: user, now: now)
        if outcome == .mismatch, user.codes?[purpose] != nil {
            let wrongHash = Codes.hash(code)
            _ = try await UserAdminService(deps).update(pool, user) { user in
                guard var pending = user.codes?[purpose], pending.hash != wrongHash else { return }
                pending.failedAttempts = (pending.failedAttempts ?? 0) + 1
                user.codes?[purpose] = pending
            }
        }
        return try Codes.matching(code, purpose: purpose, user: user, now: now)
    }
}
