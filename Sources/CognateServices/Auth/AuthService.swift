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
    /// The first factors a USER_AUTH sign-in can choose from (SELECT_CHALLENGE).
    var availableChallenges: [ChallengeNameType]?

    /// `ChallengeParameters` as AWS sends them: an empty map beside the tokens.
    var wireParameters: [String: String]? { parameters ?? (result != nil ? [:] : nil) }
}

/// InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and AdminRespondToAuthChallenge for the
/// password flows (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH, USER_SRP_AUTH),
/// REFRESH_TOKEN_AUTH, and the PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED challenges.
struct AuthService {
    let deps: ServiceDependencies
    /// False for the managed login pages: a completed sign-in answers an empty result instead of tokens,
    /// since the pages hand out codes (and the token endpoint the tokens).
    let issuesTokens: Bool
    /// The ClientMetadata of the RespondToAuthChallenge call being answered: AWS passes it to the triggers
    /// that call fires (the challenge functions, PreTokenGeneration, PostAuthentication); InitiateAuth's
    /// reaches only PreAuthentication and UserMigration.
    var clientMetadata: [String: String]?

    init(_ deps: ServiceDependencies, issuesTokens: Bool = true) {
        self.deps = deps
        self.issuesTokens = issuesTokens
    }

    var gate: ClientGate { ClientGate(deps: deps) }
    var users: SignInPolicy { SignInPolicy(deps: deps) }
    var sessions: SessionStore { SessionStore(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.InitiateAuth.self) { input, _ in
            let o = try await ClaimedContext.with(input.userContextData) {
                try await initiate(input.authFlow, input.authParameters ?? [:], clientID: input.clientId, poolID: nil, metadata: input.clientMetadata)
            }
            return InitiateAuthResponse(
                challengeName: o.challengeName, session: o.session, challengeParameters: o.wireParameters, authenticationResult: o.result,
                availableChallenges: o.availableChallenges)
        }
        table.register(Operations.AdminInitiateAuth.self) { input, _ in
            let o = try await ClaimedContext.with(input.contextData) {
                try await initiate(
                    input.authFlow, input.authParameters ?? [:], clientID: input.clientId, poolID: input.userPoolId, metadata: input.clientMetadata)
            }
            return AdminInitiateAuthResponse(
                challengeName: o.challengeName, session: o.session, challengeParameters: o.wireParameters, authenticationResult: o.result,
                availableChallenges: o.availableChallenges)
        }
        table.register(Operations.RespondToAuthChallenge.self) { input, _ in
            var service = self
            service.clientMetadata = input.clientMetadata
            let o = try await ClaimedContext.with(input.userContextData) {
                try await service.respond(
                    input.challengeName, input.challengeResponses ?? [:], session: input.session, clientID: input.clientId, poolID: nil)
            }
            return RespondToAuthChallengeResponse(
                challengeName: o.challengeName, session: o.session, challengeParameters: o.wireParameters, authenticationResult: o.result,
                availableChallenges: o.availableChallenges)
        }
        table.register(Operations.AdminRespondToAuthChallenge.self) { input, _ in
            var service = self
            service.clientMetadata = input.clientMetadata
            let o = try await ClaimedContext.with(input.contextData) {
                try await service.respond(
                    input.challengeName, input.challengeResponses ?? [:], session: input.session, clientID: input.clientId,
                    poolID: input.userPoolId)
            }
            return AdminRespondToAuthChallengeResponse(
                challengeName: o.challengeName, session: o.session, challengeParameters: o.wireParameters, authenticationResult: o.result,
                availableChallenges: o.availableChallenges)
        }
    }

    // MARK: Initiate

    private func initiate(
        _ flow: AuthFlowType, _ params: [String: String], clientID: String, poolID: String?, metadata: [String: String]?
    ) async throws -> AuthOutcome {
        let (pool, client) = try await gate.resolve(clientID: clientID, poolID: poolID)
        let adminFlows: Set<AuthFlowType> = [.adminUserPasswordAuth, .adminNoSrpAuth]
        let eitherForm: Set<AuthFlowType> = [.refreshTokenAuth, .refreshToken, .userSrpAuth, .userAuth, .customAuth]
        if (poolID != nil) != adminFlows.contains(flow) && !eitherForm.contains(flow) {
            throw Errors.invalidParameter("Initiate Auth method not supported.")
        }
        switch flow {
        case .userPasswordAuth, .adminUserPasswordAuth, .adminNoSrpAuth:
            let user = try await begin(flow, params, pool: pool, client: client, metadata: metadata, needs: ["PASSWORD"])
            return try await passwordSignIn(params["PASSWORD"] ?? "", user: user, pool: pool, client: client, deviceKey: params["DEVICE_KEY"])
        case .userSrpAuth:
            let user = try await begin(flow, params, pool: pool, client: client, metadata: metadata, needs: ["SRP_A"])
            let srpA = params["SRP_A"] ?? ""
            return try await passwordVerifierChallenge(user: user, srpA: srpA, deviceKey: params["DEVICE_KEY"], pool: pool, client: client)
        case .userAuth:
            let user = try await begin(flow, params, pool: pool, client: client, metadata: metadata)
            return try await ChoiceBasedSignIn(deps: deps, auth: self).initiate(params, user: user, pool: pool, client: client)
        case .customAuth:
            let user = try await begin(flow, params, pool: pool, client: client, metadata: metadata)
            return try await ThreatProtection(deps: deps).signIn(user: user, pool: pool, client: client, password: nil, custom: true) {
                try await CustomAuthentication(deps: deps, auth: self).initiate(params, user: user, pool: pool, client: client)
            }
        case .refreshTokenAuth, .refreshToken:
            try ClientGate.requireFlow(flow, client)
            return try await refresh(
                try Self.required("REFRESH_TOKEN", params), secretHash: params["SECRET_HASH"], username: params["USERNAME"],
                deviceKey: params["DEVICE_KEY"], pool: pool, client: client)
        default:
            throw Errors.invalidParameter("Cognate does not support the \(flow.rawValue) flow yet.")
        }
    }

    /// What every flow that names a user begins with: the flow allowed, USERNAME and SECRET_HASH, the user
    /// (one UserMigration brings in, for the plain-password flows; a stand-in where the client hides which
    /// users exist), refused if unconfirmed (`SignInPolicy.refuseUnconfirmed`), then PreAuthentication with
    /// InitiateAuth's ClientMetadata as its validationData.
    /// `needs`: the flow's own parameters, checked before the secret hash (PASSWORD, SRP_A).
    private func begin(
        _ flow: AuthFlowType, _ params: [String: String], pool: UserPool, client: AppClient, metadata: [String: String]?,
        needs: [String] = []
    ) async throws -> User {
        try ClientGate.requireFlow(flow, client)
        let username = try Self.required("USERNAME", params)
        for name in needs { _ = try Self.required(name, params) }
        if let srpA = params["SRP_A"], needs.contains("SRP_A") { try SRPExchange.checkClientPublic(srpA) }
        try gate.requireSecretHash(params["SECRET_HASH"], usernames: [username], client, in: .parameters)
        let user: User
        if needs.contains("PASSWORD"), let password = params["PASSWORD"] {
            user = try await UserMigration(deps: deps).find(
                username, password: password, source: .authentication, pool: pool, client: client, validationData: metadata, clientMetadata: nil)
        } else {
            user = try await users.find(username, pool: pool, client: client)
        }
        try SignInPolicy.refuseUnconfirmed(user, client: client)
        try await AuthTriggers(deps: deps).preAuthentication(pool: pool, user: user, client: client, validationData: metadata)
        return user
    }

    static func required(_ name: String, _ params: [String: String]) throws(CognitoError) -> String {
        guard let value = params[name], !value.isEmpty else {
            throw Errors.invalidParameter("Missing required parameter \(name)")
        }
        return value
    }

    /// A sign-in with a plain password (the API's password flows, USER_AUTH's PASSWORD, the managed login):
    /// the password checked and what follows it, under the pool's threat protection.
    func passwordSignIn(_ password: String, user: User, pool: UserPool, client: AppClient, deviceKey: String?) async throws -> AuthOutcome {
        try await ThreatProtection(deps: deps).signIn(
            user: user, pool: pool, client: client, password: password,
            check: { try await users.checkPassword(password, user: user, pool: pool, client: client) },
            then: { try await afterPassword(user: user, pool: pool, client: client, deviceKey: deviceKey) })
    }

    /// After a verified password: a new password if the current one is temporary, then device SRP for a
    /// confirmed device, then the second factor the pool and user call for, else the tokens. `deviceKey` is
    /// the device the client named; it travels in the sessions of the steps that follow.
    func afterPassword(user: User, pool: UserPool, client: AppClient, deviceKey: String?) async throws -> AuthOutcome {
        if user.status == .forceChangePassword {
            var attributes: [String: String] = [:]
            for attribute in AttributePermissions(client: client).readable(user.attributes) where attribute.name != "sub" {
                attributes[attribute.name] = attribute.value
            }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]), as: UTF8.self)
            // The required attributes the user has no value for yet, which the answer must supply.
            let required = AttributeRules(pool: pool).missingRequired(user).map { "userAttributes." + $0 }
            let requiredJSON = String(decoding: try JSONSerialization.data(withJSONObject: required), as: UTF8.self)
            let session = try await sessions.create(
                challenge: .newPasswordRequired, user: user, pool: pool, client: client, state: SignInState(deviceKey: deviceKey))
            return AuthOutcome(
                challengeName: .newPasswordRequired, session: session,
                parameters: ["USER_ID_FOR_SRP": user.username, "requiredAttributes": requiredJSON, "userAttributes": json]
            )
        }
        if let outcome = try await DeviceAuthentication(deps: deps).challenge(deviceKey: deviceKey, user: user, pool: pool, client: client) {
            return outcome
        }
        return try await secondFactor(user: user, pool: pool, client: client, deviceKey: deviceKey)
    }

    /// The MFA challenge the pool and user call for, else the tokens. `source`: what PreTokenGeneration is
    /// told of the sign-in; the code's session carries it.
    func secondFactor(
        user: User, pool: UserPool, client: AppClient, deviceKey: String?, source: TokenSource = .authentication
    ) async throws -> AuthOutcome {
        let carried = SignInState(deviceKey: deviceKey, tokenSource: source == .authentication ? nil : source)
        if var outcome = try await MfaChallenges(deps: deps, clientMetadata: clientMetadata).challenge(
            user: user, pool: pool, client: client, carrying: carried)
        {
            var parameters = outcome.parameters ?? [:]
            parameters["USER_ID_FOR_SRP"] = user.username
            outcome.parameters = parameters
            return outcome
        }
        return try await signedIn(user: user, pool: pool, client: client, deviceKey: deviceKey, source: source)
    }

    /// The trigger source a session's sign-in will make its tokens with.
    static func tokenSource(_ session: AuthSession) -> TokenSource {
        session.state.tokenSource ?? .authentication
    }

    /// The end of a sign-in: the failure count cleared, and the tokens, bound to the user's device when the
    /// pool tracks devices (a sign-in from an unknown device gets a new one in NewDeviceMetadata).
    func signedIn(
        user: User, pool: UserPool, client: AppClient, deviceKey: String?, source: TokenSource = .authentication
    ) async throws -> AuthOutcome {
        try await users.recordSuccess(user: user, pool: pool)
        guard issuesTokens else {
            try await AuthTriggers(deps: deps).postAuthentication(
                pool: pool, user: user, client: client, newDeviceUsed: false, clientMetadata: clientMetadata)
            return AuthOutcome(result: AuthenticationResultType())
        }
        var device = user.device(deviceKey)?.key
        var metadata: NewDeviceMetadataType?
        if DeviceAuthentication.tracksDevices(pool) && device == nil {
            metadata = try await DeviceAuthentication(deps: deps).register(user: user, pool: pool)
            device = metadata?.deviceKey
        }
        try await AuthTriggers(deps: deps).postAuthentication(
            pool: pool, user: user, client: client, newDeviceUsed: metadata != nil, clientMetadata: clientMetadata)
        var result = try await TokenIssuer(deps: deps).signIn(
            TokenGeneration(source, clientMetadata: clientMetadata), pool: pool, client: client, user: user, deviceKey: device)
        result.newDeviceMetadata = metadata
        return AuthOutcome(result: result)
    }

    // MARK: SRP

    /// PASSWORD_VERIFIER's challenge; `carrying` is what a longer sign-in (CUSTOM_AUTH) keeps in the session.
    func passwordVerifierChallenge(
        user: User, srpA: String, deviceKey: String?, pool: UserPool, client: AppClient, carrying: SignInState? = nil
    ) async throws -> AuthOutcome {
        try SignInPolicy.refusePasswordless(user, client: client)
        // A user without a password, through a client that hides which users exist, gets the challenge a
        // name nobody has gets: the answer tells nothing until a proof fails.
        let standIn = {
            SimulatedUser.make(
                name: user.username, pool: pool, key: deps.configuration.simulationKey, directory: UserDirectory(pool: pool, storage: deps.storage)
            ).password
        }
        guard let credential = user.password ?? (SignInPolicy.hidesExistence(client) ? standIn() : nil) else {
            throw CognitoError(.notAuthorizedException, "Incorrect username or password.")
        }
        let (srp, srpB, secretBlock) = try SRPExchange(deps: deps).start(srpA: srpA, verifier: Array(credential.verifier))
        var state = carrying ?? SignInState()
        state.srp = srp
        state.deviceKey = deviceKey
        // USER_SRP_AUTH answers no Session: the secret block names the step. A longer sign-in (CUSTOM_AUTH
        // with SRP) answers one, as its other steps do, and the block must then be the one sent here.
        var session: String?
        if carrying == nil {
            _ = try await sessions.create(challenge: .passwordVerifier, user: user, pool: pool, client: client, state: state, handle: secretBlock)
        } else {
            state.secretBlock = secretBlock
            session = try await sessions.create(challenge: .passwordVerifier, user: user, pool: pool, client: client, state: state)
        }
        return AuthOutcome(
            challengeName: .passwordVerifier, session: session,
            parameters: [
                "SALT": credential.saltHex, "SECRET_BLOCK": secretBlock, "SRP_B": srpB,
                "USERNAME": user.username, "USER_ID_FOR_SRP": user.username,
            ]
        )
    }

    // MARK: Refresh

    private func refresh(
        _ token: String, secretHash: String?, username: String?, deviceKey: String?, pool: UserPool, client: AppClient
    ) async throws -> AuthOutcome {
        // REFRESH_TOKEN_AUTH keeps the refresh token it was given: rotation is GetTokensFromRefreshToken's.
        let result = try await RefreshTokens(deps: deps).refresh(
            token, pool: pool, client: client, deviceKey: deviceKey, generation: TokenGeneration(.refreshTokens), rotates: false
        ) { user in
            try gate.requireSecretHash(secretHash, usernames: [username, user.username, user.sub].compactMap { $0 }, client, in: .parameters)
        }
        return AuthOutcome(result: result)
    }

    // MARK: Respond

    /// RespondToAuthChallenge: the steps every answer shares — the client, USERNAME and SECRET_HASH, the
    /// session taken and bound to its client, pool, challenge and user, the user enabled — then the answer
    /// of the challenge's family (`ChallengeResponders`).
    func respond(
        _ challenge: ChallengeNameType, _ responses: [String: String], session: String?, clientID: String, poolID: String?
    ) async throws -> AuthOutcome {
        let (pool, client) = try await gate.resolve(clientID: clientID, poolID: poolID)
        let username = try Self.required("USERNAME", responses)
        try gate.requireSecretHash(responses["SECRET_HASH"], usernames: [username], client, in: .parameters)
        guard let responder = ChallengeResponders.responder(for: challenge) else {
            throw Errors.invalidParameter("Cognate does not support the \(challenge.rawValue) challenge yet.")
        }
        let request = ChallengeRequest(
            challenge: challenge, responses: responses, session: session, username: username, pool: pool, client: client)
        let stored = try await sessions.take(try await responder.sessionHandle(request, auth: self))
        guard stored.clientID == client.clientID, stored.poolID == pool.id else { throw SessionStore.expired }
        guard stored.challenge == challenge else {
            throw Errors.invalidParameter("The session does not belong to the \(challenge.rawValue) challenge.")
        }
        let user = try await users.find(username, pool: pool, client: client)
        guard user.usernameKey == stored.usernameKey else { throw SessionStore.expired }
        if !SignInPolicy.hidesExistence(client) { guard user.enabled else { throw SignInPolicy.disabled } }
        let step = ChallengeStep(request: request, session: stored, user: user, auth: self)
        return try await ThreatProtection(deps: deps).continueSignIn(stored.state, challenge: challenge, user: user, pool: pool) {
            try await responder.answer(step)
        }
    }
}
