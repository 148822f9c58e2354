import CognateStorage
import CognitoModel

/// MFA_SETUP: answered once AssociateSoftwareToken and VerifySoftwareToken set up a factor in the session.
struct MfaSetupResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.mfaSetup] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        guard step.session.state.softwareTokenVerified == true else {
            throw Errors.invalidParameter("Set up an MFA factor first: AssociateSoftwareToken and VerifySoftwareToken with this session.")
        }
        return try await step.auth.signedIn(
            user: step.user, pool: step.pool, client: step.client, deviceKey: step.deviceKey, source: AuthService.tokenSource(step.session))
    }
}
