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

    static let disabled = CognitoError(.notAuthorizedException, "User is disabled.")

    static let notConfirmed = CognitoError(.userNotConfirmedException, "User is not confirmed.")

    /// Whether the client hides which users exist (PreventUserExistenceErrors ENABLED).
    static func hidesExistence(_ client: AppClient?) -> Bool {
        client?.settings.preventUserExistenceErrors == .enabled
    }

    /// The user `name` refers to. For a client that hides which users exist, a name nobody has gets a
    /// stand-in (`SimulatedUser`) that every step treats like a user who never knows the password.
    func find(_ name: String, pool: UserPool, client: AppClient) async throws -> User {
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        do {
            return try await directory.find(name)
        } catch let error as CognitoError where error.code == .userNotFoundException {
            guard Self.hidesExistence(client) else { throw error }
            return SimulatedUser.make(name: name, pool: pool, key: deps.configuration.simulationKey, directory: directory)
        }
    }

    /// The Region whose failure count a sign-in of `user` uses: a secondary replica's serving the request
    /// (AWS keeps lockout counters per Region), else nil for the primary's.
    static func countingRegion(_ user: User) -> String? {
        guard let replica = ReplicaGate.serving, replica.poolID == user.poolID else { return nil }
        return replica.region
    }

    /// The failures counted against the user in the Region serving the request, and when the last was.
    static func failures(_ user: User) -> (count: Int, last: Date?) {
        failures(user, region: countingRegion(user))
    }

    /// The failures counted in `region` (nil: the primary's).
    static func failures(_ user: User, region: String?) -> (count: Int, last: Date?) {
        guard let region else { return (user.failedSignIns ?? 0, user.lastFailedSignIn) }
        let regional = user.regionalSignInFailures?.first { $0.region == region }
        return (regional?.count ?? 0, regional?.last)
    }

    /// Sets the Region's count: one more failure at `now`, or none (nil).
    static func setFailures(_ user: inout User, region: String?, failedAt now: Date?) {
        guard let region else {
            user.failedSignIns = now.map { _ in (user.failedSignIns ?? 0) + 1 }
            user.lastFailedSignIn = now
            return
        }
        var others = (user.regionalSignInFailures ?? []).filter { $0.region != region }
        if let now {
            let count = (user.regionalSignInFailures?.first { $0.region == region }?.count ?? 0) + 1
            others.append(RegionalSignInFailures(region: region, count: count, last: now))
        }
        user.regionalSignInFailures = others.isEmpty ? nil : others
    }

    /// How long the user must still wait before another attempt, or nil.
    func lockout(_ user: User) -> TimeInterval? {
        let (failures, last) = Self.failures(user)
        guard failures >= Self.freeFailures, let last else { return nil }
        let remaining = last.addingTimeInterval(Self.wait(failures: failures)).timeIntervalSince(deps.clock.now())
        return remaining > 0 ? remaining : nil
    }

    static func wait(failures: Int) -> TimeInterval {
        min(pow(2, Double(failures - freeFailures)), maxLockout)
    }

    /// Whether `failures` failures, the last at `last`, still lock the user out now.
    func lockedAt(_ last: Date, failures: Int) -> Bool {
        failures >= Self.freeFailures && last.addingTimeInterval(Self.wait(failures: failures)) > deps.clock.now()
    }

    static let attemptsExceeded = CognitoError(.notAuthorizedException, "Password attempts exceeded")

    /// The checks before any proof of a password (plain, SRP, device SRP, passkey, MFA code) is looked at:
    /// the user is enabled and not locked out. Every way of signing in calls this, so none can go around
    /// the lockout.
    /// A client that hides which users exist learns that a user is disabled only from a right proof.
    func admit(_ user: User, client: AppClient? = nil) throws(CognitoError) {
        if !Self.hidesExistence(client) { guard user.enabled else { throw Self.disabled } }
        try Self.refuseUnconfirmed(user, client: client)
        if lockout(user) != nil {
            ServiceMetrics.lockedOut()
            throw Self.attemptsExceeded
        }
    }

    /// AWS tells a user who never confirmed sign-up so before it looks at any proof: a wrong password answers
    /// "User is not confirmed." too, and SRP stops at InitiateAuth. A client that hides which users exist
    /// learns it only from a right proof (`checkState`), so a wrong one answers as for anyone.
    static func refuseUnconfirmed(_ user: User, client: AppClient?) throws(CognitoError) {
        if user.status == .unconfirmed && !hidesExistence(client) { throw notConfirmed }
    }

    /// Counts a failed proof against the lockout and throws `failure`; a proof that holds passes, unless
    /// the user is disabled.
    func require(_ holds: Bool, user: User, pool: UserPool, failure: CognitoError = SignInPolicy.incorrect) async throws {
        guard holds else {
            try await recordFailure(user: user, pool: pool)
            throw failure
        }
        guard user.enabled else { throw Self.disabled }
    }

    /// A user who must reset a password they never had (imported from a CSV file) is told so at once: no
    /// proof can hold. A client that hides which users exist answers as for a wrong password.
    static func refusePasswordless(_ user: User, client: AppClient?) throws(CognitoError) {
        if user.status == .resetRequired && user.password == nil && !hidesExistence(client) {
            throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
        }
    }

    func checkPassword(_ password: String, user: User, pool: UserPool, client: AppClient? = nil) async throws {
        try admit(user, client: client)
        try Self.refusePasswordless(user, client: client)
        let holds = user.password.map { PasswordHasher.matches(password, poolID: pool.id, username: user.username, $0) } ?? false
        try await require(holds, user: user, pool: pool)
        // The failure count is cleared when the sign-in completes, so wrong MFA codes after a right
        // password still add up to a lockout.
        try checkState(user)
    }

    /// The states in which a correct password still does not sign the user in.
    func checkState(_ user: User) throws(CognitoError) {
        switch user.status {
        case .unconfirmed:
            throw Self.notConfirmed
        case .resetRequired:
            throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
        case .forceChangePassword:
            if let expiry = user.temporaryPasswordExpiry, expiry < deps.clock.now() {
                throw CognitoError(.notAuthorizedException, "Temporary password has expired and must be reset by an administrator.")
            }
        default:
            break
        }
    }

    func recordFailure(user: User, pool: UserPool) async throws {
        if SimulatedUser.isSimulated(user) { return try await SimulatedUser.matchWrite(deps, pool: pool) }
        let now = deps.clock.now()
        let region = Self.countingRegion(user)
        try await deps.storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { user in
            Self.setFailures(&user, region: region, failedAt: now)
        }
    }

    /// Clears the failure count at the end of a sign-in. When failures were counted, the lockout is checked
    /// again on the stored user inside the same update: a right guess racing wrong ones that locked the user
    /// meanwhile is refused.
    func recordSuccess(user: User, pool: UserPool) async throws {
        guard Self.failures(user).count > 0 else { return }
        let policy = self
        let region = Self.countingRegion(user)
        try await deps.storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { user in
            let (count, last) = Self.failures(user, region: region)
            if let last, policy.lockedAt(last, failures: count) {
                throw Self.attemptsExceeded
            }
            Self.setFailures(&user, region: region, failedAt: nil)
        }
    }
}
