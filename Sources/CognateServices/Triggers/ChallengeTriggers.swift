import CognateStorage
import CognitoModel

/// DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse: the three functions that
/// drive a CUSTOM_AUTH sign-in, with AWS's events. `clientMetadata` reaches them only from
/// (Admin)RespondToAuthChallenge; `userNotFound` only for clients that hide which users exist.
struct ChallengeTriggers {
    let deps: ServiceDependencies

    /// One round of a custom sign-in, as the `session` array of the events carries it.
    typealias Round = CustomChallengeRound

    /// What DefineAuthChallenge decided.
    enum Decision: Equatable {
        case issueTokens
        case fail
        case challenge(String)
    }

    /// What CreateAuthChallenge made of a challenge.
    struct Challenge: Equatable {
        var publicParameters: [String: String]
        var privateParameters: [String: String]
        var metadata: String?
    }

    static let notConfigured = CognitoError(.invalidParameterException, "Custom auth lambda trigger is not configured for the user pool.")

    private func request(user: User, client: AppClient, clientMetadata: [String: String]?) -> [String: JSONValue] {
        let simulated = SimulatedUser.isSimulated(user)
        var request: [String: JSONValue] = ["userAttributes": simulated ? .object([:]) : TriggerEvent.attributes(of: user)]
        if let metadata = TriggerEvent.strings(clientMetadata) { request["clientMetadata"] = metadata }
        if SignInPolicy.hidesExistence(client) { request["userNotFound"] = .bool(simulated) }
        return request
    }

    func define(
        rounds: [Round], pool: UserPool, user: User, client: AppClient, clientMetadata: [String: String]?
    ) async throws(CognitoError) -> Decision {
        guard let function = Triggers.function(.defineAuthChallenge, in: pool) else { throw Self.notConfigured }
        var request = request(user: user, client: client, clientMetadata: clientMetadata)
        request["session"] = .array(rounds.map(\.json))
        let event = TriggerEvent(
            source: "DefineAuthChallenge_Authentication", pool: pool, userName: user.username, clientID: client.clientID, request: request,
            response: ["challengeName": .null, "issueTokens": .null, "failAuthentication": .null])
        let response = try await Triggers(deps: deps).run(.defineAuthChallenge, function: function, event: event)
        if try Triggers.flag(response, "failAuthentication") { return .fail }
        if try Triggers.flag(response, "issueTokens") { return .issueTokens }
        guard let name = try Triggers.text(response, "challengeName") else { throw Triggers.unrecognizable }
        return .challenge(name)
    }

    func create(
        challenge: String, rounds: [Round], pool: UserPool, user: User, client: AppClient, clientMetadata: [String: String]?
    ) async throws(CognitoError) -> Challenge {
        guard let function = Triggers.function(.createAuthChallenge, in: pool) else { throw Self.notConfigured }
        var request = request(user: user, client: client, clientMetadata: clientMetadata)
        request["challengeName"] = .string(challenge)
        request["session"] = .array(rounds.map(\.json))
        let event = TriggerEvent(
            source: "CreateAuthChallenge_Authentication", pool: pool, userName: user.username, clientID: client.clientID, request: request,
            response: ["publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null])
        let response = try await Triggers(deps: deps).run(.createAuthChallenge, function: function, event: event)
        return Challenge(
            publicParameters: try Triggers.strings(response, "publicChallengeParameters") ?? [:],
            privateParameters: try Triggers.strings(response, "privateChallengeParameters") ?? [:],
            metadata: try Triggers.text(response, "challengeMetadata"))
    }

    func verify(
        answer: String, privateParameters: [String: String], pool: UserPool, user: User, client: AppClient,
        clientMetadata: [String: String]?
    ) async throws(CognitoError) -> Bool {
        guard let function = Triggers.function(.verifyAuthChallengeResponse, in: pool) else { throw Self.notConfigured }
        var request = request(user: user, client: client, clientMetadata: clientMetadata)
        request["privateChallengeParameters"] = .object(privateParameters.mapValues(JSONValue.string))
        request["challengeAnswer"] = .string(answer)
        let event = TriggerEvent(
            source: "VerifyAuthChallengeResponse_Authentication", pool: pool, userName: user.username, clientID: client.clientID,
            request: request, response: ["answerCorrect": .null])
        let response = try await Triggers(deps: deps).run(.verifyAuthChallengeResponse, function: function, event: event)
        return try Triggers.flag(response, "answerCorrect")
    }
}

extension CustomChallengeRound {
    /// The round as the events' `session` array carries it.
    var json: JSONValue {
        .object([
            "challengeName": .string(challengeName), "challengeResult": .bool(challengeResult),
            "challengeMetadata": challengeMetadata.map(JSONValue.string) ?? .null,
        ])
    }
}
