import CognateStorage
import CognitoModel
import Foundation

/// Who may sign in, as Cognito decides it: the user exists (without revealing that to clients that
/// prevent user-existence errors), is enabled, is not locked out, knows the password, and is in a state
/// that allows sign-in.
struct SignInPolicy {
    let deps: ServiceDependencies

    /// Failures allowed before the back-off starts, and its cap (AWS: 2^(n−5) seconds, about 15 minutes at most).
    static let freeFailures = 5
    static let maxLockout: TimeInterval = 900

    static let incorrect = CognitoError(.notAuthorizedException, "Incorrect username or password.")

    func find(_ name: String, pool: UserPool, client: AppClient) async throws -> User {
        do {
            return try await UserDirectory(pool: pool, storage: deps.storage).find(name)
        } catch let error as CognitoError where error.code == .userNotFoundException {
            if client.settings.preventUserExistenceErrors == .enabled { throw Self.incorrect }
            throw error
        }
    }

    /// How long the user must still wait before another attempt, or nil.
    func lockout(_ user: User) -> TimeInterval? {
        let failures = user.failedSignIns ?? 0
        guard failures >= Self.freeFailures, let last = user.lastFailedSignIn else { return nil }
        let wait = min(pow(2, Double(failures - Self.freeFailures)), Self.maxLockout)
        let remaining = last.addingTimeInterval(wait).timeIntervalSince(deps.clock.now())
        return remaining > 0 ? remaining : nil
    }

    func checkPassword(_ password: String, user: User, pool: UserPool) async throws {
        guard user.enabled else { throw CognitoError(.notAuthorizedException, "User is disabled.") }
        if lockout(user) != nil { throw CognitoError(.notAuthorizedException, "Password attempts exceeded") }
        guard let credential = user.password,
              PasswordHasher.matches(password, poolID: pool.id, username: user.username, credential)
        else {
            try await recordFailure(user: user, pool: pool)
            throw Self.incorrect
        }
        // The failure count is cleared when the sign-in completes, so wrong MFA codes after a right
        // password still add up to a lockout.
        try checkState(user)
    }

    /// The states in which a correct password still does not sign the user in.
    func checkState(_ user: User) throws(CognitoError) {
        switch user.status {
        case "UNCONFIRMED":
            throw CognitoError(.userNotConfirmedException, "User is not confirmed.")
        case "RESET_REQUIRED":
            throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
        case "FORCE_CHANGE_PASSWORD":
            if let expiry = user.temporaryPasswordExpiry, expiry < deps.clock.now() {
                throw CognitoError(.notAuthorizedException, "Temporary password has expired and must be reset by an administrator.")
            }
        default:
            break
        }
    }

    func recordFailure(user: User, pool: UserPool) async throws {
        let now = deps.clock.now()
        try await deps.storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { user in
            user.failedSignIns = (user.failedSignIns ?? 0) + 1
            user.lastFailedSignIn = now
        }
    }

    func recordSuccess(user: User, pool: UserPool) async throws {
        guard (user.failedSignIns ?? 0) > 0 else { return }
        try await deps.storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { user in
            user.failedSignIns = nil
            user.lastFailedSignIn = nil
        }
    }
}
