import CognateStorage
import CognitoModel

/// PreAuthentication and PostAuthentication, on every way of signing in: the API's password, SRP and
/// choice-based flows and the managed login pages.
struct AuthTriggers {
    let deps: ServiceDependencies

    /// Before any proof is looked at: the function may refuse the sign-in. `validationData` is what
    /// InitiateAuth's `ClientMetadata` becomes here (AWS passes it under that name); `userNotFound` is sent
    /// to clients that hide which users exist, for a name nobody has.
    func preAuthentication(pool: UserPool, user: User, client: AppClient, validationData: [String: String]?) async throws(CognitoError) {
        guard let function = Triggers.function(.preAuthentication, in: pool) else { return }
        let simulated = SimulatedUser.isSimulated(user)
        var request: [String: JSONValue] = ["userAttributes": simulated ? .object([:]) : TriggerEvent.attributes(of: user)]
        if let data = TriggerEvent.strings(validationData) { request["validationData"] = data }
        if SignInPolicy.hidesExistence(client) { request["userNotFound"] = .bool(simulated) }
        let event = TriggerEvent(
            source: "PreAuthentication_Authentication", pool: pool, userName: user.username, clientID: client.clientID, request: request,
            response: [:])
        _ = try await Triggers(deps: deps).run(.preAuthentication, function: function, event: event)
    }

    /// After the last proof, before the tokens: a failure withholds them. `newDeviceUsed`: the sign-in
    /// registered a device the pool had not seen.
    /// `clientMetadata`: RespondToAuthChallenge's, when that call completed the sign-in.
    func postAuthentication(
        pool: UserPool, user: User, client: AppClient, newDeviceUsed: Bool, clientMetadata: [String: String]?
    ) async throws(CognitoError) {
        guard let function = Triggers.function(.postAuthentication, in: pool) else { return }
        var request: [String: JSONValue] = ["userAttributes": TriggerEvent.attributes(of: user), "newDeviceUsed": .bool(newDeviceUsed)]
        if let metadata = TriggerEvent.strings(clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(
            source: "PostAuthentication_Authentication", pool: pool, userName: user.username, clientID: client.clientID, request: request,
            response: [:])
        _ = try await Triggers(deps: deps).run(.postAuthentication, function: function, event: event)
    }
}
