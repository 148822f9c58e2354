import CognateStorage
import CognitoModel

/// A one-time code: SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA after a password, SMS_OTP (and EMAIL_OTP) as a
/// first factor. A custom sign-in goes back to DefineAuthChallenge after it.
struct CodeResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.smsMfa, .emailOtp, .softwareTokenMfa, .smsOtp] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        let (user, pool, client, auth) = (step.user, step.pool, step.client, step.auth)
        try await MfaChallenges(deps: step.deps, clientMetadata: auth.clientMetadata)
            .verifyCode(step.challenge, step.responses, session: step.session, user: user, pool: pool)
        if CustomAuthentication.isCustom(step.session) {
            return try await CustomAuthentication(deps: step.deps, auth: auth).afterFactor(
                step.challenge, session: step.session, user: user, pool: pool, client: client)
        }
        return try await auth.signedIn(
            user: user, pool: pool, client: client, deviceKey: step.deviceKey, source: AuthService.tokenSource(step.session))
    }
}
