import CognateStorage
import CognitoModel

/// USER_AUTH's first factor: SELECT_CHALLENGE, and PASSWORD or PASSWORD_SRP asked for on their own.
struct FirstFactorResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.selectChallenge, .password, .passwordSrp] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        try await ChoiceBasedSignIn(deps: step.deps, auth: step.auth).answer(
            step.challenge, step.responses, session: step.session, user: step.user, pool: step.pool, client: step.client)
    }
}
