import CognateStorage
import CognitoModel
import Foundation

/// Sign-in sessions: the opaque strings that carry a sign-in from one challenge to the next. Stored only
/// as hashes, single-use, bound to their pool, client and user, expiring after the client's
/// AuthSessionValidity (3 minutes by default).
struct SessionStore {
    let deps: ServiceDependencies

    static let expired = CognitoError(.notAuthorizedException, "Invalid session for the user, session is expired.")

    /// Stores a session and answers the string the client holds for it.
    func create(
        challenge: ChallengeNameType, user: User, pool: UserPool, client: AppClient, state: SignInState = SignInState(),
        handle: String? = nil
    ) async throws -> String {
        let token = handle ?? OpaqueToken.make(deps.random, bytes: 64)
        var state = state
        // The steps that follow complete the sign-in's auth event.
        if let trail = AuthEventTrail.current {
            state.authEventID = trail.eventID
            state.riskStepUp = trail.stepUp
        }
        let minutes = client.settings.authSessionValidity ?? 3
        try await deps.storage.createSession(
            AuthSession(
                id: OpaqueToken.hash(token), poolID: pool.id, clientID: client.clientID, usernameKey: user.usernameKey,
                challenge: challenge, state: state, expiresAt: deps.clock.now().addingTimeInterval(Double(minutes) * 60)))
        return token
    }

    /// Stores a follow-up of `session` for another step (a new string, the same pool, client and user), its
    /// state what the session carried as `update` changes it.
    func renew(_ session: AuthSession, challenge: ChallengeNameType, update: (inout SignInState) -> Void) async throws -> String {
        let token = OpaqueToken.make(deps.random, bytes: 64)
        var next = session
        next.id = OpaqueToken.hash(token)
        next.challenge = challenge
        update(&next.state)
        try await deps.storage.createSession(next)
        return token
    }

    /// Uses up the session `handle` names; answers it when it has not expired.
    func take(_ handle: String?) async throws -> AuthSession {
        guard let handle, !handle.isEmpty else { throw Self.expired }
        let stored = try await StorageError.map(notFound: Self.expired) { try await deps.storage.takeSession(id: OpaqueToken.hash(handle)) }
        guard stored.expiresAt > deps.clock.now() else { throw Self.expired }
        return stored
    }

    /// Puts a taken session back, for a step the user may try again (a rejected new password or code).
    func restore(_ session: AuthSession) async throws {
        try await deps.storage.createSession(session)
    }
}
