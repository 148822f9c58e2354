import CognateCrypto
import CognateStorage
import CognateWebAuthn
import CognitoModel
import Foundation

/// USER_AUTH, choice-based sign-in: the first factor comes from the pool's AllowedFirstAuthFactors and what
/// the user has set up (a password; a verified email address or phone number for one-time codes). The
/// client names a PREFERRED_CHALLENGE, or gets SELECT_CHALLENGE with the AvailableChallenges and answers it.
struct ChoiceBasedSignIn {
    let deps: ServiceDependencies
    let auth: AuthService

    var sessions: SessionStore { SessionStore(deps: deps) }

    /// The first factors this user can start with. One-time codes are not offered where MFA is required,
    /// since a code alone would skip the second factor.
    static func available(_ user: User, _ pool: UserPool) -> [ChallengeNameType] {
        let allowed = pool.settings.policies?.signInPolicy?.allowedFirstAuthFactors ?? [.password]
        let mfaRequired = pool.settings.mfaConfiguration == .on
        var challenges: [ChallengeNameType] = []
        if allowed.contains(.password), user.password != nil { challenges += [.password, .passwordSrp] }
        if allowed.contains(.emailOtp), !mfaRequired, user.attribute("email_verified") == "true" { challenges.append(.emailOtp) }
        if allowed.contains(.smsOtp), !mfaRequired, user.attribute("phone_number_verified") == "true" { challenges.append(.smsOtp) }
        if allowed.contains(.webAuthn), user.webAuthnCredentials?.isEmpty == false,
            !mfaRequired || pool.settings.webAuthnConfiguration?.factorConfiguration == .multiFactorWithUserVerification
        {
            challenges.append(.webAuthn)
        }
        return challenges
    }

    func initiate(_ params: [String: String], user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        if pool.settings.userPoolTier == .lite {
            throw CognitoError(.featureUnavailableInTierException, "Choice-based sign-in (USER_AUTH) needs the Essentials tier or higher.")
        }
        let available = Self.available(user, pool)
        if let preferred = params["PREFERRED_CHALLENGE"].map(ChallengeNameType.init(rawValue:)), available.contains(preferred) {
            return try await start(preferred, params, user: user, pool: pool, client: client)
        }
        let session = try await sessions.create(
            challenge: .selectChallenge, user: user, pool: pool, client: client,
            state: SignInState().with { $0.firstFactorChoices = available })
        return AuthOutcome(challengeName: .selectChallenge, session: session, parameters: [:], availableChallenges: available)
    }

    /// Answers to SELECT_CHALLENGE (ANSWER plus that factor's parameters), PASSWORD and PASSWORD_SRP.
    func answer(
        _ challenge: ChallengeNameType, _ responses: [String: String], session: AuthSession, user: User, pool: UserPool,
        client: AppClient
    ) async throws -> AuthOutcome {
        guard challenge == .selectChallenge else {
            return try await start(challenge, responses, user: user, pool: pool, client: client)
        }
        let choices = session.state.firstFactorChoices ?? []
        let answer = ChallengeNameType(rawValue: try AuthService.required("ANSWER", responses))
        guard choices.contains(answer) else {
            try await sessions.restore(session)
            throw Errors.invalidParameter("ANSWER must be one of \(choices.map(\.rawValue).joined(separator: ", ")).")
        }
        return try await start(answer, responses, user: user, pool: pool, client: client)
    }

    /// WEB_AUTHN: the PublicKeyCredentialRequestOptions for the user's passkeys, the challenge in the session.
    private func passkeyChallenge(user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        let rp = try RelyingParty(pool)
        let challenge = Base64URL.encode(deps.random.bytes(32))
        let options: JSONValue = .object([
            "challenge": .string(challenge), "rpId": .string(rp.id), "timeout": .number(Double(PasskeyService.timeout)),
            "userVerification": .string(rp.userVerification.rawValue),
            "allowCredentials": .array(
                (user.webAuthnCredentials ?? []).map { credential in
                    .object([
                        "type": .string("public-key"), "id": .string(credential.credentialID),
                        "transports": .array(credential.transports.map(JSONValue.string)),
                    ])
                }),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(options), as: UTF8.self)
        let session = try await sessions.create(
            challenge: .webAuthn, user: user, pool: pool, client: client,
            state: SignInState().with { $0.webAuthnChallenge = challenge })
        return AuthOutcome(challengeName: .webAuthn, session: session, parameters: ["CREDENTIAL_REQUEST_OPTIONS": json])
    }

    /// The answer to WEB_AUTHN: an assertion by one of the user's passkeys over the session's challenge.
    func verifyPasskey(_ responses: [String: String], session: AuthSession, user: User, pool: UserPool) async throws {
        let rp = try RelyingParty(pool)
        let failure = CognitoError(.notAuthorizedException, "The passkey could not be verified.")
        try SignInPolicy(deps: deps).admit(user)
        let parsed = try PublicKeyCredentialJSON(json: try AuthService.required("CREDENTIAL", responses))
        guard let challenge = session.state.webAuthnChallenge,
            let stored = user.webAuthnCredentials?.first(where: { $0.credentialID == parsed.id })
        else {
            try await SignInPolicy(deps: deps).recordFailure(user: user, pool: pool)
            throw failure
        }
        let outcome: (signCount: UInt32, userVerified: Bool)
        do {
            outcome = try WebAuthnVerifier.verifyAssertion(
                clientDataJSON: try parsed.bytes("clientDataJSON"), authenticatorData: try parsed.bytes("authenticatorData"),
                signature: try parsed.bytes("signature"), publicKey: Array(stored.publicKey), storedSignCount: stored.signCount,
                expecting: rp.expectation(challenge: challenge))
        } catch let error as WebAuthnError {
            try await SignInPolicy(deps: deps).recordFailure(user: user, pool: pool)
            switch error {
            case .originNotAllowed: throw CognitoError(.webAuthnOriginNotAllowedException, error.message)
            case .relyingPartyMismatch: throw CognitoError(.webAuthnRelyingPartyMismatchException, error.message)
            default: throw CognitoError(.notAuthorizedException, error.message)
            }
        }
        let now = deps.clock.now()
        try await UserAdminService(deps).update(pool, user) { user in
            guard let index = user.webAuthnCredentials?.firstIndex(where: { $0.credentialID == parsed.id }) else { return }
            user.webAuthnCredentials?[index].signCount = outcome.signCount
            user.webAuthnCredentials?[index].lastUsedAt = now
        }
    }

    /// Starts the chosen first factor with the parameters that came with the choice: a password signs in
    /// (or moves on to MFA), SRP_A starts PASSWORD_VERIFIER, and a one-time code is sent. Without its
    /// parameter, PASSWORD or PASSWORD_SRP is asked for as a challenge of its own.
    private func start(
        _ factor: ChallengeNameType, _ params: [String: String], user: User, pool: UserPool, client: AppClient
    ) async throws -> AuthOutcome {
        let deviceKey = params["DEVICE_KEY"]
        switch factor {
        case .password:
            guard let password = params["PASSWORD"], !password.isEmpty else {
                let session = try await sessions.create(challenge: .password, user: user, pool: pool, client: client)
                return AuthOutcome(challengeName: .password, session: session, parameters: [:])
            }
            return try await auth.passwordSignIn(password, user: user, pool: pool, client: client, deviceKey: deviceKey)
        case .passwordSrp:
            guard let srpA = params["SRP_A"], !srpA.isEmpty else {
                let session = try await sessions.create(challenge: .passwordSrp, user: user, pool: pool, client: client)
                return AuthOutcome(challengeName: .passwordSrp, session: session, parameters: [:])
            }
            return try await auth.passwordVerifierChallenge(user: user, srpA: srpA, deviceKey: deviceKey, pool: pool, client: client)
        case .emailOtp:
            return try await MfaChallenges(deps: deps, clientMetadata: auth.clientMetadata).sendCode(
                .email, as: .emailOtp, user: user, pool: pool, client: client)
        case .smsOtp:
            return try await MfaChallenges(deps: deps, clientMetadata: auth.clientMetadata).sendCode(
                .sms, as: .smsOtp, user: user, pool: pool, client: client)
        case .webAuthn:
            return try await passkeyChallenge(user: user, pool: pool, client: client)
        default:
            throw Errors.invalidParameter("\(factor.rawValue) is not a first factor Cognate offers.")
        }
    }
}
