import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// What an authentication step answers: a challenge to meet, or the tokens.
struct AuthOutcome {
    var challengeName: ChallengeNameType?
    var session: String?
    var parameters: [String: String]?
    var result: AuthenticationResultType?
}

/// InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge for the
/// password flows (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH, USER_SRP_AUTH),
/// REFRESH_TOKEN_AUTH, and the PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED challenges.
struct AuthService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    var gate: ClientGate { ClientGate(deps: deps) }
    var users: SignInPolicy { SignInPolicy(deps: deps) }
    var sessions: SessionStore { SessionStore(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.InitiateAuth.self) { input, _ in
            let o = try await initiate(input.authFlow, input.authParameters ?? [:], clientID: input.clientId, poolID: nil)
            return InitiateAuthResponse(challengeName: o.challengeName, session: o.session, challengeParameters: o.parameters, authenticationResult: o.result)
        }
        table.register(Operations.AdminInitiateAuth.self) { input, _ in
            let o = try await initiate(input.authFlow, input.authParameters ?? [:], clientID: input.clientId, poolID: input.userPoolId)
            return AdminInitiateAuthResponse(challengeName: o.challengeName, session: o.session, challengeParameters: o.parameters, authenticationResult: o.result)
        }
        table.register(Operations.RespondToAuthChallenge.self) { input, _ in
            let o = try await respond(input.challengeName, input.challengeResponses ?? [:], session: input.session, clientID: input.clientId, poolID: nil)
            return RespondToAuthChallengeResponse(challengeName: o.challengeName, session: o.session, challengeParameters: o.parameters, authenticationResult: o.result)
        }
        table.register(Operations.AdminRespondToAuthChallenge.self) { input, _ in
            let o = try await respond(input.challengeName, input.challengeResponses ?? [:], session: input.session, clientID: input.clientId, poolID: input.userPoolId)
            return AdminRespondToAuthChallengeResponse(challengeName: o.challengeName, session: o.session, challengeParameters: o.parameters, authenticationResult: o.result)
        }
    }

    // MARK: Initiate

    private func initiate(_ flow: AuthFlowType, _ params: [String: String], clientID: String, poolID: String?) async throws -> AuthOutcome {
        let (pool, client) = try await gate.resolve(clientID: clientID, poolID: poolID)
        let adminFlows: Set<AuthFlowType> = [.adminUserPasswordAuth, .adminNoSrpAuth]
        if (poolID != nil) != adminFlows.contains(flow) && flow != .refreshTokenAuth && flow != .refreshToken && flow != .userSrpAuth {
            throw Errors.invalidParameter("Initiate Auth method not supported.")
        }
        switch flow {
        case .userPasswordAuth, .adminUserPasswordAuth, .adminNoSrpAuth:
            try gate.requireFlow(flow, client)
            let username = try Self.required("USERNAME", params)
            let password = try Self.required("PASSWORD", params)
            try gate.requireSecretHash(params["SECRET_HASH"], usernames: [username], client)
            let user = try await users.find(username, pool: pool, client: client)
            try await users.checkPassword(password, user: user, pool: pool)
            return try await afterPassword(user: user, pool: pool, client: client)
        case .userSrpAuth:
            try gate.requireFlow(flow, client)
            let username = try Self.required("USERNAME", params)
            let srpA = try Self.required("SRP_A", params)
            try gate.requireSecretHash(params["SECRET_HASH"], usernames: [username], client)
            let user = try await users.find(username, pool: pool, client: client)
            return try await passwordVerifierChallenge(user: user, srpA: srpA, pool: pool, client: client)
        case .refreshTokenAuth, .refreshToken:
            try gate.requireFlow(flow, client)
            return try await refresh(try Self.required("REFRESH_TOKEN", params), secretHash: params["SECRET_HASH"], username: params["USERNAME"], pool: pool, client: client)
        default:
            throw Errors.invalidParameter("Cognate does not support the \(flow.rawValue) flow yet.")
        }
    }

    static func required(_ name: String, _ params: [String: String]) throws(CognitoError) -> String {
        guard let value = params[name], !value.isEmpty else {
            throw Errors.invalidParameter("Missing required parameter \(name)")
        }
        return value
    }

    /// After a verified password: a new password if the current one is temporary, then the second factor
    /// the pool and user call for, else the tokens.
    private func afterPassword(user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        if user.status == "FORCE_CHANGE_PASSWORD" {
            var attributes: [String: String] = [:]
            for attribute in user.attributes where attribute.name != "sub" { attributes[attribute.name] = attribute.value }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]), as: UTF8.self)
            let session = try await sessions.create(challenge: .newPasswordRequired, user: user, pool: pool, client: client, state: [:])
            return AuthOutcome(
                challengeName: .newPasswordRequired, session: session,
                parameters: ["USER_ID_FOR_SRP": user.username, "requiredAttributes": "[]", "userAttributes": json]
            )
        }
        if var outcome = try await MfaChallenges(deps: deps).challenge(user: user, pool: pool, client: client) {
            var parameters = outcome.parameters ?? [:]
            parameters["USER_ID_FOR_SRP"] = user.username
            outcome.parameters = parameters
            return outcome
        }
        return try await signedIn(user: user, pool: pool, client: client)
    }

    /// The end of a sign-in: the failure count cleared, the tokens issued.
    private func signedIn(user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        try await users.recordSuccess(user: user, pool: pool)
        return AuthOutcome(result: try await TokenIssuer(deps: deps).signIn(pool: pool, client: client, user: user))
    }

    // MARK: SRP

    private func passwordVerifierChallenge(user: User, srpA: String, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        guard let credential = user.password else {
            throw CognitoError(.notAuthorizedException, "Incorrect username or password.")
        }
        guard let aBytes = BigEndian.bytes(fromHex: srpA), aBytes.contains(where: { $0 != 0 }) else {
            throw Errors.invalidParameter("SRP_A is not a valid hexadecimal number.")
        }
        let b = deps.random.bytes(32)
        let bigB = CognitoSRP.shared.serverPublic(verifier: Array(credential.verifier), secret: b)
        let secretBlock = Data(deps.random.bytes(64)).base64EncodedString()
        _ = try await sessions.create(
            challenge: .passwordVerifier, user: user, pool: pool, client: client,
            state: ["b": BigEndian.hexWithoutLeadingZeros(b), "B": BigEndian.hexWithoutLeadingZeros(bigB), "A": srpA],
            handle: secretBlock)
        return AuthOutcome(
            challengeName: .passwordVerifier, session: nil,
            parameters: [
                "SALT": credential.saltHex, "SECRET_BLOCK": secretBlock, "SRP_B": BigEndian.hexWithoutLeadingZeros(bigB),
                "USERNAME": user.username, "USER_ID_FOR_SRP": user.username,
            ]
        )
    }

    private func verifyPasswordClaim(_ responses: [String: String], session: AuthSession, user: User, pool: UserPool) async throws {
        let failure = CognitoError(.notAuthorizedException, "Incorrect username or password.")
        guard let credential = user.password,
              let signature = responses["PASSWORD_CLAIM_SIGNATURE"].flatMap({ Data(base64Encoded: $0) }),
              let block = responses["PASSWORD_CLAIM_SECRET_BLOCK"].flatMap({ Data(base64Encoded: $0) }),
              let timestamp = responses["TIMESTAMP"],
              let b = session.state["b"].flatMap(BigEndian.bytes(fromHex:)),
              let bigB = session.state["B"].flatMap(BigEndian.bytes(fromHex:)),
              let a = session.state["A"].flatMap(BigEndian.bytes(fromHex:))
        else { throw failure }
        guard let date = SRPTimestamp.parse(timestamp), abs(date.timeIntervalSince(deps.clock.now())) <= 300 else {
            throw CognitoError(.notAuthorizedException, "The TIMESTAMP is not in Cognito's format or is too far from the server's time.")
        }
        guard let key = CognitoSRP.shared.sessionKey(clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: Array(credential.verifier)) else {
            throw failure
        }
        let expected = CognitoSRP.claimSignature(key: key, poolID: pool.id, userID: user.username, secretBlock: Array(block), timestamp: timestamp)
        guard CognitoSRP.constantTimeEqual(expected, Array(signature)) else {
            try await users.recordFailure(user: user, pool: pool)
            throw failure
        }
    }

    // MARK: Refresh

    private func refresh(_ token: String, secretHash: String?, username: String?, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        let (record, user) = try await RefreshTokens(deps: deps).validate(token, pool: pool, client: client)
        try gate.requireSecretHash(secretHash, usernames: [username, user.username, user.sub].compactMap { $0 }, client)
        let result = try await TokenIssuer(deps: deps).tokens(pool: pool, client: client, user: user, originJTI: record.originJTI, authTime: record.authTime)
        return AuthOutcome(result: result)
    }

    // MARK: Respond

    private func respond(
        _ challenge: ChallengeNameType, _ responses: [String: String], session: String?, clientID: String, poolID: String?
    ) async throws -> AuthOutcome {
        let (pool, client) = try await gate.resolve(clientID: clientID, poolID: poolID)
        let username = try Self.required("USERNAME", responses)
        try gate.requireSecretHash(responses["SECRET_HASH"], usernames: [username], client)
        let supported: Set<ChallengeNameType> = [
            .passwordVerifier, .newPasswordRequired, .smsMfa, .emailOtp, .softwareTokenMfa, .selectMfaType, .mfaSetup,
        ]
        guard supported.contains(challenge) else {
            throw Errors.invalidParameter("Cognate does not support the \(challenge.rawValue) challenge yet.")
        }
        // SRP's second step names its session by the secret block; every other step by the session string.
        let stored = try await sessions.take(challenge == .passwordVerifier ? responses["PASSWORD_CLAIM_SECRET_BLOCK"] : session)
        guard stored.clientID == client.clientID, stored.poolID == pool.id else { throw SessionStore.expired }
        guard stored.challenge == challenge.rawValue else {
            throw Errors.invalidParameter("The session does not belong to the \(challenge.rawValue) challenge.")
        }
        let user = try await users.find(username, pool: pool, client: client)
        guard user.usernameKey == stored.usernameKey else { throw SessionStore.expired }
        guard user.enabled else { throw CognitoError(.notAuthorizedException, "User is disabled.") }
        let mfa = MfaChallenges(deps: deps)

        switch challenge {
        case .passwordVerifier:
            try await verifyPasswordClaim(responses, session: stored, user: user, pool: pool)
            try users.checkState(user)
            return try await afterPassword(user: user, pool: pool, client: client)
        case .smsMfa, .emailOtp, .softwareTokenMfa:
            try await mfa.verifyCode(challenge, responses, session: stored, user: user, pool: pool)
            return try await signedIn(user: user, pool: pool, client: client)
        case .selectMfaType:
            let choices = (stored.state["choices"] ?? "").split(separator: ",").map(String.init)
            let answer = try Self.required("ANSWER", responses)
            guard choices.contains(answer), let factor = MfaFactor(rawValue: answer) else {
                try await sessions.restore(stored)
                throw Errors.invalidParameter("ANSWER must be one of \(choices.joined(separator: ", ")).")
            }
            var outcome = try await mfa.issue(factor, user: user, pool: pool, client: client)
            outcome.parameters?["USER_ID_FOR_SRP"] = user.username
            return outcome
        case .mfaSetup:
            guard stored.state["verified"] == "true" else {
                throw Errors.invalidParameter("Set up an MFA factor first: AssociateSoftwareToken and VerifySoftwareToken with this session.")
            }
            return try await signedIn(user: user, pool: pool, client: client)
        default:
            do {
                let updated = try await setNewPassword(responses, user: user, pool: pool)
                return try await afterNewPassword(user: updated, pool: pool, client: client)
            } catch let error as CognitoError
                where [.invalidPasswordException, .invalidParameterException, .passwordHistoryPolicyViolationException].contains(error.code) {
                // A rejected new password does not use up the session: the user may try another.
                try await sessions.restore(stored)
                throw error
            }
        }
    }

    /// After NEW_PASSWORD_REQUIRED: the second factor, if the pool and user call for one, else the tokens.
    private func afterNewPassword(user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        if let outcome = try await MfaChallenges(deps: deps).challenge(user: user, pool: pool, client: client) { return outcome }
        return try await signedIn(user: user, pool: pool, client: client)
    }

    private func setNewPassword(_ responses: [String: String], user: User, pool: UserPool) async throws -> User {
        let password = try Self.required("NEW_PASSWORD", responses)
        let credential = try PasswordChange(deps: deps).credential(for: password, pool: pool, user: user)
        let attributes = responses.filter { $0.key.hasPrefix("userAttributes.") }
            .map { AttributeType(name: String($0.key.dropFirst("userAttributes.".count)), value: $0.value) }
        try AttributeRules(pool: pool).check(attributes, creating: false)
        return try await UserAdminService(deps).update(pool, user) { user in
            PasswordChange.apply(credential, to: &user, pool: pool)
            user.status = "CONFIRMED"
            user.temporaryPasswordExpiry = nil
            for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
        }
    }
}
