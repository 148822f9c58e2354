import CognateStorage
import CognitoModel
import Foundation

/// CUSTOM_AUTH: a sign-in whose steps the pool's DefineAuthChallenge decides, round by round, from the
/// rounds so far; CreateAuthChallenge makes each CUSTOM_CHALLENGE and VerifyAuthChallengeResponse judges
/// the answer. A flow may begin with SRP (`CHALLENGE_NAME: SRP_A`), and Define may then ask for the
/// built-in PASSWORD_VERIFIER; after a verified password, the second factor the pool requires comes
/// before Define is asked again. The rounds travel in the sign-in session; every answer gets a new one.
struct CustomAuthentication {
    let deps: ServiceDependencies
    let auth: AuthService

    typealias Round = ChallengeTriggers.Round

    var triggers: ChallengeTriggers { ChallengeTriggers(deps: deps) }
    var sessions: SessionStore { SessionStore(deps: deps) }

    /// Whether a sign-in session belongs to a custom sign-in (its password or MFA step then goes back to Define).
    static func isCustom(_ session: AuthSession) -> Bool { session.state.custom != nil }

    func initiate(_ params: [String: String], user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        guard Triggers.function(.defineAuthChallenge, in: pool) != nil else { throw ChallengeTriggers.notConfigured }
        var rounds: [Round] = []
        var state = SignInState(deviceKey: params["DEVICE_KEY"])
        if let start = params["CHALLENGE_NAME"] {
            guard start == "SRP_A" else { throw Errors.invalidParameter("CHALLENGE_NAME must be SRP_A to begin a custom sign-in with SRP.") }
            let srpA = try AuthService.required("SRP_A", params)
            try SRPExchange.checkClientPublic(srpA)
            rounds.append(Round(challengeName: "SRP_A", challengeResult: true))
            state.custom = SignInState.CustomSignIn(srpA: srpA)
        }
        try auth.users.admit(user, client: client)
        try auth.users.checkState(user)
        // InitiateAuth's ClientMetadata does not reach the challenge functions (AWS passes it only to
        // PreSignUp, PreAuthentication and UserMigration).
        return try await next(rounds: rounds, state: state, user: user, pool: pool, client: client, clientMetadata: nil)
    }

    /// An answer to a CUSTOM_CHALLENGE: Verify judges it, the round is written down, Define decides what follows.
    func answer(
        _ responses: [String: String], session: AuthSession, user: User, pool: UserPool, client: AppClient
    ) async throws -> AuthOutcome {
        let answer = try AuthService.required("ANSWER", responses)
        let privateParameters = session.state.custom?.privateParameters ?? [:]
        let correct = try await triggers.verify(
            answer: answer, privateParameters: privateParameters, pool: pool, user: user, client: client,
            clientMetadata: auth.clientMetadata)
        var rounds = Self.rounds(session)
        rounds.append(
            Round(
                challengeName: ChallengeNameType.customChallenge.rawValue, challengeResult: correct,
                challengeMetadata: session.state.custom?.challengeMetadata))
        var state = session.state
        state.custom?.privateParameters = nil
        state.custom?.challengeMetadata = nil
        return try await next(rounds: rounds, state: state, user: user, pool: pool, client: client, clientMetadata: auth.clientMetadata)
    }

    /// After PASSWORD_VERIFIER held: the second factor first, where the pool and user call for one, then Define.
    func afterPassword(session: AuthSession, user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        var rounds = Self.rounds(session)
        rounds.append(Round(challengeName: ChallengeNameType.passwordVerifier.rawValue, challengeResult: true))
        let state = Self.carried(session.state, rounds: rounds)
        if var outcome = try await MfaChallenges(deps: deps, clientMetadata: auth.clientMetadata).challenge(
            user: user, pool: pool, client: client, carrying: state)
        {
            outcome.parameters?["USER_ID_FOR_SRP"] = user.username
            return outcome
        }
        return try await next(rounds: rounds, state: state, user: user, pool: pool, client: client, clientMetadata: auth.clientMetadata)
    }

    /// After a second factor held within a custom sign-in.
    func afterFactor(_ challenge: ChallengeNameType, session: AuthSession, user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome
    {
        var rounds = Self.rounds(session)
        rounds.append(Round(challengeName: challenge.rawValue, challengeResult: true))
        return try await next(rounds: rounds, state: session.state, user: user, pool: pool, client: client, clientMetadata: auth.clientMetadata)
    }

    static let failed = CognitoError(.notAuthorizedException, "Incorrect username or password.")

    private func next(
        rounds: [Round], state: SignInState, user: User, pool: UserPool, client: AppClient, clientMetadata: [String: String]?
    ) async throws -> AuthOutcome {
        switch try await triggers.define(rounds: rounds, pool: pool, user: user, client: client, clientMetadata: clientMetadata) {
        case .fail:
            throw Self.failed
        case .issueTokens:
            // A name nobody has never gets tokens, whatever the function says.
            guard !SimulatedUser.isSimulated(user) else { throw Self.failed }
            return try await auth.signedIn(user: user, pool: pool, client: client, deviceKey: state.deviceKey)
        case .challenge(ChallengeNameType.customChallenge.rawValue):
            let challenge = try await triggers.create(
                challenge: ChallengeNameType.customChallenge.rawValue, rounds: rounds, pool: pool, user: user, client: client,
                clientMetadata: clientMetadata)
            var next = Self.carried(state, rounds: rounds)
            next.custom?.privateParameters = challenge.privateParameters
            next.custom?.challengeMetadata = challenge.metadata
            let session = try await sessions.create(challenge: .customChallenge, user: user, pool: pool, client: client, state: next)
            var parameters = challenge.publicParameters
            parameters["USERNAME"] = user.username
            return AuthOutcome(challengeName: .customChallenge, session: session, parameters: parameters)
        case .challenge(ChallengeNameType.passwordVerifier.rawValue):
            // The built-in password step: only after the client began with SRP_A, and only once.
            guard let srpA = state.custom?.srpA else { throw Triggers.unrecognizable }
            var next = Self.carried(state, rounds: rounds)
            next.custom?.srpA = nil
            return try await auth.passwordVerifierChallenge(
                user: user, srpA: srpA, deviceKey: state.deviceKey, pool: pool, client: client, carrying: next)
        default:
            throw Triggers.unrecognizable
        }
    }

    /// `state` with the rounds so far: from here on, its sessions belong to a custom sign-in.
    private static func carried(_ state: SignInState, rounds: [Round]) -> SignInState {
        state.with { state in
            var custom = state.custom ?? SignInState.CustomSignIn()
            custom.rounds = rounds
            state.custom = custom
        }
    }

    static func rounds(_ session: AuthSession) -> [Round] {
        session.state.custom?.rounds ?? []
    }
}
