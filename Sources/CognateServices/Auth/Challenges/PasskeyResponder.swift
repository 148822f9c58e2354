import CognateStorage
import CognitoModel

/// WEB_AUTHN: an assertion by one of the user's passkeys over the session's challenge.
struct PasskeyResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.webAuthn] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        try await ChoiceBasedSignIn(deps: step.deps, auth: step.auth).verifyPasskey(
            step.responses, session: step.session, user: step.user, pool: step.pool)
        return try await step.auth.signedIn(user: step.user, pool: step.pool, client: step.client, deviceKey: step.deviceKey)
    }
}
