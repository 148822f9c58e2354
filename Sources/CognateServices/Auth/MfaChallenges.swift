import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// The second factor of a sign-in: which challenge the pool and the user's settings call for after the
/// password (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE or MFA_SETUP), and checking the answers.
/// Codes sent by SMS or email live in the session (hashed) and expire with it; a wrong code counts as a
/// failed sign-in for the lockout and may be retried within the session up to `attemptsPerSession` times.
struct MfaChallenges {
    let deps: ServiceDependencies
    /// The ClientMetadata of the RespondToAuthChallenge call that asks for the code, for CustomMessage.
    var clientMetadata: [String: String]?

    static let attemptsPerSession = 3
    static let mismatch = CognitoError(.codeMismatchException, "Invalid code or auth state for the user.")

    var sessions: SessionStore { SessionStore(deps: deps) }

    /// The factors a user can be challenged with: the ones they enabled that the pool offers (a verified
    /// software token keeps working after the pool turns TOTP off, as in Cognito).
    static func usableFactors(_ user: User, _ pool: UserPool) -> [MfaFactor] {
        let offered = pool.settings.mfaFactors
        return (user.mfa?.enabledFactors ?? []).filter { factor in
            switch factor {
            case .softwareToken: user.mfa?.softwareToken != nil
            case .sms: offered.contains(.sms) && user.attribute("phone_number") != nil
            case .email: offered.contains(.email) && user.attribute("email") != nil
            }
        }
    }

    /// The challenge after a verified password, or nil when the user gets their tokens.
    func challenge(user: User, pool: UserPool, client: AppClient, carrying carried: SignInState = SignInState()) async throws -> AuthOutcome? {
        let mode = pool.settings.mfaConfiguration ?? .off
        // Threat protection's step-up (MFA_IF_CONFIGURED, MFA_REQUIRED) asks for a second factor whatever the
        // pool's setting, where the user has one or can receive a code.
        let stepUp = AuthEventTrail.current?.stepUp
        guard mode != .off || stepUp != nil else { return nil }
        let factors = Self.usableFactors(user, pool)
        if factors.isEmpty {
            guard mode == .on || stepUp != nil else { return nil }
            // Required MFA: a phone number or email address the pool can send codes to serves as the factor.
            let offered = pool.settings.mfaFactors
            if offered.contains(.sms), user.attribute("phone_number") != nil {
                return try await issue(.sms, user: user, pool: pool, client: client, carrying: carried)
            }
            if offered.contains(.email), user.attribute("email") != nil {
                return try await issue(.email, user: user, pool: pool, client: client, carrying: carried)
            }
            if mode != .on {
                // A step-up the user has no factor for: MFA_REQUIRED blocks, MFA_IF_CONFIGURED lets them in.
                guard stepUp == .required else { return nil }
                AuthEventTrail.current?.blocked = true
                throw AuthEventTrail.blockedSignIn
            }
            let session = try await sessions.create(challenge: .mfaSetup, user: user, pool: pool, client: client, state: carried)
            return AuthOutcome(
                challengeName: .mfaSetup, session: session,
                parameters: ["MFAS_CAN_SETUP": Self.jsonList(offered.map(\.rawValue))])
        }
        if factors.count == 1 { return try await issue(factors[0], user: user, pool: pool, client: client, carrying: carried) }
        if let preferred = user.mfa?.preferred, factors.contains(preferred) {
            return try await issue(preferred, user: user, pool: pool, client: client, carrying: carried)
        }
        let session = try await sessions.create(
            challenge: .selectMfaType, user: user, pool: pool, client: client, state: carried.with { $0.mfaChoices = factors })
        return AuthOutcome(
            challengeName: .selectMfaType, session: session,
            parameters: ["MFAS_CAN_CHOOSE": Self.jsonList(factors.map(\.rawValue))])
    }

    /// Sends a sign-in code by SMS or email and answers `challenge` (SMS_MFA, SMS_OTP or EMAIL_OTP) with the
    /// code's hash in its session.
    func sendCode(
        _ factor: MfaFactor, as challenge: ChallengeNameType, user: User, pool: UserPool, client: AppClient,
        carrying carried: SignInState = SignInState()
    ) async throws -> AuthOutcome {
        // A locked-out user gets no code, and every code sent counts toward the user's hourly bound
        // (CodeThrottling), whoever asks for it: an anonymous caller cannot flood a user's inbox or phone.
        try SignInPolicy(deps: deps).admit(user, client: client)
        if !SimulatedUser.isSimulated(user) {
            let now = deps.clock.now()
            _ = try await UserAdminService(deps).update(pool, user) { user in try CodeThrottling.recordSend(&user, now: now) }
        }
        let code = Codes.generate(deps.random)
        let destination = try await Messenger(deps: deps).sendAuthenticationCode(
            code, factor: factor, pool: pool, user: user, clientID: client.clientID, clientMetadata: clientMetadata)
        let session = try await sessions.create(
            challenge: challenge, user: user, pool: pool, client: client,
            state: carried.with { state in
                state.codeHash = Codes.hash(code)
                state.codeAttempts = 0
            })
        return AuthOutcome(
            challengeName: challenge, session: session,
            parameters: [
                "CODE_DELIVERY_DELIVERY_MEDIUM": factor == .sms ? "SMS" : "EMAIL", "CODE_DELIVERY_DESTINATION": destination,
            ])
    }

    /// Sends the code (SMS, email) and answers the factor's challenge.
    func issue(
        _ factor: MfaFactor, user: User, pool: UserPool, client: AppClient, carrying carried: SignInState = SignInState()
    ) async throws -> AuthOutcome {
        switch factor {
        case .softwareToken:
            let session = try await sessions.create(challenge: .softwareTokenMfa, user: user, pool: pool, client: client, state: carried)
            var parameters: [String: String] = [:]
            if let name = user.mfa?.softwareToken?.friendlyName { parameters["FRIENDLY_DEVICE_NAME"] = name }
            return AuthOutcome(challengeName: .softwareTokenMfa, session: session, parameters: parameters)
        case .sms, .email:
            return try await sendCode(
                factor, as: factor == .sms ? .smsMfa : .emailOtp, user: user, pool: pool, client: client,
                carrying: carried)
        }
    }

    /// Checks the answer to an SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA challenge. A wrong code counts
    /// against the lockout and puts the session back for another try while tries remain.
    func verifyCode(_ challenge: ChallengeNameType, _ responses: [String: String], session: AuthSession, user: User, pool: UserPool) async throws {
        let policy = SignInPolicy(deps: deps)
        try policy.admit(user)
        let answer: CodeAnswer
        switch challenge {
        case .softwareTokenMfa:
            // AWS names TOTP sign-in among what fails while a point-in-time recovery runs.
            try await RecoveryPause.refuse(poolID: pool.id, deps)
            let code = try AuthService.required("SOFTWARE_TOKEN_MFA_CODE", responses)
            answer = try await redeemSoftwareTokenCode(code, user: user, pool: pool)
        default:
            let name = challenge == .smsMfa ? "SMS_MFA_CODE" : challenge == .smsOtp ? "SMS_OTP_CODE" : "EMAIL_OTP_CODE"
            let code = try AuthService.required(name, responses)
            let matched = session.state.codeHash.map { ConstantTime.equal(Array($0.utf8), Array(Codes.hash(code).utf8)) } ?? false
            answer = matched ? .matched : .mismatch
        }
        guard answer == .matched else {
            try await policy.recordFailure(user: user, pool: pool)
            let attempts = (session.state.codeAttempts ?? 0) + 1
            if attempts < Self.attemptsPerSession {
                var retry = session
                retry.state.codeAttempts = attempts
                try await sessions.restore(retry)
            }
            throw answer == .reused ? Self.reused : Self.mismatch
        }
    }

    enum CodeAnswer { case matched, mismatch, reused }

    static let reused = CognitoError(.expiredCodeException, "Your software token has already been used once.")

    /// Whether `code` is the user's current TOTP and was not used before; a match uses up its time step.
    private func redeemSoftwareTokenCode(_ code: String, user: User, pool: UserPool) async throws -> CodeAnswer {
        guard let token = user.mfa?.softwareToken, let secret = Base32.decode(token.secret),
            let step = TOTP.matchingStep(code, secret: secret, at: deps.clock.now())
        else { return .mismatch }
        if let last = token.lastUsedStep, step <= last { return .reused }
        do {
            _ = try await UserAdminService(deps).update(pool, user) { user in
                guard let last = user.mfa?.softwareToken?.lastUsedStep, step <= last else {
                    user.mfa?.softwareToken?.lastUsedStep = step
                    return
                }
                throw Self.reused
            }
        } catch let error as CognitoError where error == Self.reused {
            return .reused
        }
        return .matched
    }

    static func jsonList(_ values: [String]) -> String {
        "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
