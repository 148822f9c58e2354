import CognateStorage
import CognitoModel

/// Which message a code or temporary password goes out in, for CustomMessage: the trigger source's
/// suffix (`SignUp`, `AdminCreateUser`, `ResendCode`, `ForgotPassword`, `UpdateUserAttribute`,
/// `VerifyUserAttribute`, `Authentication`), the app client, and the operation's ClientMetadata.
struct MessageTrigger: Sendable {
    var source: String
    var clientID: String?
    var clientMetadata: [String: String]?
}

/// CustomMessage: the function's subject and messages replace the pool's templates (a field it leaves
/// null or empty keeps the template). They carry the placeholders Cognito gives it, `{####}` for the code
/// (and `{username}` in an invitation), which Cognate fills in afterwards, as Cognito does.
struct MessageTriggers {
    let deps: ServiceDependencies

    struct CustomMessage: Equatable {
        var sms: String?
        var email: String?
        var subject: String?
    }

    static let codeParameter = "{####}"
    static let usernameParameter = "{username}"

    func customMessage(_ trigger: MessageTrigger, pool: UserPool, user: User) async throws(CognitoError) -> CustomMessage? {
        guard let function = Triggers.function(.customMessage, in: pool) else { return nil }
        let invitation = trigger.source == "AdminCreateUser"
        var request: [String: JSONValue] = [
            "userAttributes": TriggerEvent.attributes(of: user), "codeParameter": .string(Self.codeParameter),
            "usernameParameter": invitation ? .string(Self.usernameParameter) : .null, "linkParameter": .string("{##Click Here##}"),
        ]
        if let metadata = TriggerEvent.strings(trigger.clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(
            source: "CustomMessage_" + trigger.source, pool: pool, userName: user.username, clientID: trigger.clientID, request: request,
            response: ["smsMessage": .null, "emailMessage": .null, "emailSubject": .null])
        let response = try await Triggers(deps: deps).run(.customMessage, function: function, event: event)
        let message = CustomMessage(
            sms: try Triggers.text(response, "smsMessage"), email: try Triggers.text(response, "emailMessage"),
            subject: try Triggers.text(response, "emailSubject"))
        // A message must carry the code's placeholder, and an invitation the username's too.
        for text in [message.sms, message.email].compactMap({ $0 }) {
            guard text.contains(Self.codeParameter), !invitation || text.contains(Self.usernameParameter) else { throw Triggers.unrecognizable }
        }
        return message
    }
}
