import CognateCrypto
import CognitoModel
import Foundation

/// The records most tests start from: a pool, an app client, a confirmed user, a signed-in user.
extension TestCognate {
    /// An app client: its ID and, when it has one, its secret.
    public struct Client: Sendable {
        public var poolID: String
        public var id: String
        public var secret: String?
    }

    /// Creates a user pool (`configure` sets anything beyond its name) and answers its ID.
    public func pool(_ name: String = "test-pool", configure: (inout CreateUserPoolRequest) -> Void = { _ in }) async throws -> String {
        var request = CreateUserPoolRequest(poolName: name)
        configure(&request)
        let created = try await call(Operations.CreateUserPool.self, request)
        return created.userPool?.id ?? ""
    }

    /// Creates an app client of `poolID` that allows `flows`, with a generated secret when `secret`.
    public func client(
        _ poolID: String, flows: [ExplicitAuthFlowsType] = [.allowUserPasswordAuth, .allowUserSrpAuth, .allowRefreshTokenAuth],
        secret: Bool = false, configure: (inout CreateUserPoolClientRequest) -> Void = { _ in }
    ) async throws -> Client {
        var request = CreateUserPoolClientRequest(userPoolId: poolID, clientName: "test-client", generateSecret: secret, explicitAuthFlows: flows)
        configure(&request)
        let created = try await call(Operations.CreateUserPoolClient.self, request)
        return Client(poolID: poolID, id: created.userPoolClient?.clientId ?? "", secret: created.userPoolClient?.clientSecret)
    }

    /// A user with a permanent password (status CONFIRMED) and, when given, a verified email address and
    /// phone number.
    public func confirmedUser(
        _ poolID: String, _ username: String, password: String, email: String? = nil, phone: String? = nil,
        attributes: [AttributeType] = []
    ) async throws {
        var all = attributes
        if let email { all += [AttributeType(name: "email", value: email), AttributeType(name: "email_verified", value: "true")] }
        if let phone {
            all += [AttributeType(name: "phone_number", value: phone), AttributeType(name: "phone_number_verified", value: "true")]
        }
        try await call(
            Operations.AdminCreateUser.self,
            AdminCreateUserRequest(userPoolId: poolID, username: username, userAttributes: all, messageAction: .suppress))
        try await call(
            Operations.AdminSetUserPassword.self,
            AdminSetUserPasswordRequest(userPoolId: poolID, username: username, password: password, permanent: true))
    }

    /// Starts a sign-in with `flow` and the given parameters (USERNAME, and SECRET_HASH when the client has
    /// a secret, are added).
    public func initiate(
        _ client: Client, _ flow: AuthFlowType, _ username: String, _ parameters: [String: String] = [:]
    ) async throws -> InitiateAuthResponse {
        var all = parameters
        all["USERNAME"] = all["USERNAME"] ?? username
        if let secret = client.secret { all["SECRET_HASH"] = SecretHash.compute(username: username, clientID: client.id, secret: secret) }
        return try await call(
            Operations.InitiateAuth.self, InitiateAuthRequest(authFlow: flow, authParameters: all, clientId: client.id), iamAuthorized: false)
    }

    /// Answers a challenge (USERNAME and, when the client has a secret, SECRET_HASH are added).
    public func respond(
        _ client: Client, _ challenge: ChallengeNameType, session: String?, _ username: String, _ responses: [String: String]
    ) async throws -> RespondToAuthChallengeResponse {
        var all = responses
        all["USERNAME"] = all["USERNAME"] ?? username
        if let secret = client.secret { all["SECRET_HASH"] = SecretHash.compute(username: username, clientID: client.id, secret: secret) }
        return try await call(
            Operations.RespondToAuthChallenge.self,
            RespondToAuthChallengeRequest(clientId: client.id, challengeName: challenge, session: session, challengeResponses: all),
            iamAuthorized: false)
    }

    /// Signs in with USER_PASSWORD_AUTH, expecting tokens at once.
    public func signIn(_ client: Client, _ username: String, _ password: String) async throws -> AuthenticationResultType {
        let started = try await initiate(client, .userPasswordAuth, username, ["PASSWORD": password])
        guard let result = started.authenticationResult else {
            throw CognitoError(.internalErrorException, "expected tokens, got the challenge \(started.challengeName?.rawValue ?? "none")")
        }
        return result
    }

    /// Signs in with USER_SRP_AUTH through both steps, as an SDK does; answers the last step's reply (tokens
    /// or the next challenge). With `deviceKey`, both steps name the device, as an SDK that remembers one does.
    public func signInWithSRP(
        _ client: Client, _ username: String, _ password: String, deviceKey: String? = nil
    ) async throws -> RespondToAuthChallengeResponse {
        let srp = SRPClient(secret: random.bytes(32))
        var device: [String: String] = [:]
        if let deviceKey { device["DEVICE_KEY"] = deviceKey }
        let started = try await initiate(client, .userSrpAuth, username, device.merging(["SRP_A": srp.publicHex]) { $1 })
        let parameters = started.challengeParameters ?? [:]
        let userID = parameters["USER_ID_FOR_SRP"] ?? username
        let timestamp = SRPTimestamp.format(clock.now())
        let signature = srp.claimSignature(
            poolID: client.poolID, userID: userID, password: password, saltHex: parameters["SALT"] ?? "",
            serverPublicHex: parameters["SRP_B"] ?? "", secretBlock: parameters["SECRET_BLOCK"] ?? "", timestamp: timestamp)
        return try await respond(
            client, .passwordVerifier, session: started.session, userID,
            device.merging([
                "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"] ?? "", "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp,
            ]) { $1 })
    }
}
