import CognateStorage
import CognitoModel

/// PreSignUp and PostConfirmation, with AWS's events and answers.
struct SignUpTriggers {
    let deps: ServiceDependencies

    /// What PreSignUp answered (all false when the pool has no PreSignUp).
    struct SignUpDecision: Equatable {
        var autoConfirmUser = false
        var autoVerifyEmail = false
        var autoVerifyPhone = false
    }

    /// Runs PreSignUp (`PreSignUp_SignUp`, `PreSignUp_AdminCreateUser`) before a user is created; a
    /// function error refuses the user. `clientID` nil: an admin operation.
    func preSignUp(
        source: String, pool: UserPool, userName: String, clientID: String?, attributes: [AttributeType],
        validationData: [AttributeType]?, clientMetadata: [String: String]?
    ) async throws(CognitoError) -> SignUpDecision {
        guard let function = Triggers.function(.preSignUp, in: pool) else { return SignUpDecision() }
        var request: [String: JSONValue] = ["userAttributes": TriggerEvent.attributes(attributes)]
        if let data = TriggerEvent.strings(validationData) { request["validationData"] = data }
        if let metadata = TriggerEvent.strings(clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(
            source: source, pool: pool, userName: userName, clientID: clientID, request: request,
            response: ["autoConfirmUser": .bool(false), "autoVerifyEmail": .bool(false), "autoVerifyPhone": .bool(false)])
        let response = try await Triggers(deps: deps).run(.preSignUp, function: function, event: event)
        return SignUpDecision(
            autoConfirmUser: try Triggers.flag(response, "autoConfirmUser"), autoVerifyEmail: try Triggers.flag(response, "autoVerifyEmail"),
            autoVerifyPhone: try Triggers.flag(response, "autoVerifyPhone"))
    }

    /// Runs PostConfirmation (`PostConfirmation_ConfirmSignUp`, `PostConfirmation_ConfirmForgotPassword`)
    /// after the change is stored; a failure reaches the caller, and the change stands.
    func postConfirmation(source: String, pool: UserPool, user: User, clientID: String?, clientMetadata: [String: String]?) async throws(CognitoError)
    {
        guard let function = Triggers.function(.postConfirmation, in: pool) else { return }
        var request: [String: JSONValue] = ["userAttributes": TriggerEvent.attributes(of: user)]
        if let metadata = TriggerEvent.strings(clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(source: source, pool: pool, userName: user.username, clientID: clientID, request: request, response: [:])
        _ = try await Triggers(deps: deps).run(.postConfirmation, function: function, event: event)
    }
}
