import CognateStorage
import CognitoModel

/// SELECT_MFA_TYPE: the user picks one of the factors offered; its code (or TOTP prompt) follows.
struct MfaChoiceResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.selectMfaType] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        let choices = step.session.state.mfaChoices ?? []
        let answer = try AuthService.required("ANSWER", step.responses)
        guard let factor = MfaFactor(rawValue: answer), choices.contains(factor) else {
            try await step.auth.sessions.restore(step.session)
            throw Errors.invalidParameter("ANSWER must be one of \(choices.map(\.rawValue).joined(separator: ", ")).")
        }
        // What the session carried (the device, a custom sign-in's rounds) goes on to the code's session.
        var carried = step.session.state
        carried.mfaChoices = nil
        var outcome = try await MfaChallenges(deps: step.deps, clientMetadata: step.auth.clientMetadata).issue(
            factor, user: step.user, pool: step.pool, client: step.client, carrying: carried)
        outcome.parameters?["USER_ID_FOR_SRP"] = step.user.username
        return outcome
    }
}
