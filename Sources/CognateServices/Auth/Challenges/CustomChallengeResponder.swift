import CognateStorage
import CognitoModel

/// CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges the answer, DefineAuthChallenge decides what follows.
struct CustomChallengeResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.customChallenge] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        try await CustomAuthentication(deps: step.deps, auth: step.auth).answer(
            step.responses, session: step.session, user: step.user, pool: step.pool, client: step.client)
    }
}
