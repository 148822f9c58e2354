import CognateStorage
import CognitoModel

/// PASSWORD_VERIFIER: the SRP claim over the password, then what follows a password (or, in a custom
/// sign-in, DefineAuthChallenge). USER_SRP_AUTH's step is named by its secret block, not by a session.
struct PasswordVerifierResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.passwordVerifier] }

    func sessionHandle(_ request: ChallengeRequest, auth: AuthService) async throws -> String? {
        request.session?.isEmpty == false ? request.session : request.responses["PASSWORD_CLAIM_SECRET_BLOCK"]
    }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        let (user, pool, client, auth) = (step.user, step.pool, step.client, step.auth)
        try auth.users.admit(user, client: client)
        if let block = step.session.state.secretBlock, block != step.responses["PASSWORD_CLAIM_SECRET_BLOCK"] {
            throw SignInPolicy.incorrect
        }
        let holds =
            try user.password.map { credential throws(CognitoError) in
                try SRPExchange(deps: step.deps).claimHolds(
                    step.responses, srp: step.session.state.srp, verifier: Array(credential.verifier), signingName: pool.id,
                    userID: user.username)
            } ?? false
        if CustomAuthentication.isCustom(step.session) {
            try await auth.users.require(holds, user: user, pool: pool)
            try auth.users.checkState(user)
            return try await CustomAuthentication(deps: step.deps, auth: auth).afterPassword(
                session: step.session, user: user, pool: pool, client: client)
        }
        // SRP under threat protection: adaptive authentication applies; compromised credentials cannot (the
        // server never sees the password).
        return try await ThreatProtection(deps: step.deps).signIn(
            user: user, pool: pool, client: client, password: nil,
            check: {
                try await auth.users.require(holds, user: user, pool: pool)
                try auth.users.checkState(user)
            },
            then: { try await auth.afterPassword(user: user, pool: pool, client: client, deviceKey: step.responses["DEVICE_KEY"] ?? step.deviceKey) })
    }
}
