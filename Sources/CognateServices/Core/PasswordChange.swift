import CognateStorage
import CognitoModel
import Foundation

/// Setting a user's password where the pool's rules apply: the policy, and the password history
/// (the new password may match none of the last n, the current one included).
struct PasswordChange {
    let deps: ServiceDependencies

    func credential(for password: String, pool: UserPool, user: User) throws(CognitoError) -> PasswordCredential {
        let policy = pool.settings.policies?.passwordPolicy
        try PasswordRules(policy).check(password, setting: .change)
        let size = policy?.passwordHistorySize ?? 0
        if size > 0 {
            let recent = ([user.password].compactMap { $0 } + (user.passwordHistory ?? [])).prefix(size)
            if recent.contains(where: { PasswordHasher.matches(password, poolID: pool.id, username: user.username, $0) }) {
                throw CognitoError(.passwordHistoryPolicyViolationException, "The password matches one of the user's \(size) most recent passwords.")
            }
        }
        return PasswordHasher(random: deps.random).credential(for: password, poolID: pool.id, username: user.username, at: deps.clock.now())
    }

    /// Replaces the password, keeping the previous one in the history the pool asks for.
    static func apply(_ credential: PasswordCredential, to user: inout User, pool: UserPool) {
        let size = pool.settings.policies?.passwordPolicy?.passwordHistorySize ?? 0
        if size > 0, let current = user.password {
            user.passwordHistory = Array(([current] + (user.passwordHistory ?? [])).prefix(size))
        }
        user.password = credential
    }
}
