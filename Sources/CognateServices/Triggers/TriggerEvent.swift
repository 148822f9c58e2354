import CognateStorage
import CognitoModel

/// The envelope every trigger's event shares, as Cognito sends it: `version`, `triggerSource`, `region`,
/// `userPoolId`, `userName`, `callerContext`, and the trigger's `request` and `response` (its keys
/// pre-filled). The function must answer the whole event, with its changes in `response`.
struct TriggerEvent {
    /// What admin operations, which have no app client, send as `callerContext.clientId`.
    static let noClient = "CLIENT_ID_NOT_APPLICABLE"

    var version = "1"
    var source: String
    var pool: UserPool
    var userName: String
    var clientID: String?
    var request: [String: JSONValue]
    var response: [String: JSONValue]

    /// The pool's region: the part of its ID before the underscore.
    var region: String { String(pool.id.prefix { $0 != "_" }) }

    var json: JSONValue {
        .object([
            "version": .string(version), "triggerSource": .string(source), "region": .string(region), "userPoolId": .string(pool.id),
            "userName": .string(userName),
            "callerContext": .object(["awsSdkVersion": .string("aws-sdk-unknown-unknown"), "clientId": .string(clientID ?? Self.noClient)]),
            "request": .object(request), "response": .object(response),
        ])
    }

    /// A user's attributes as the events carry them: strings, with `sub` and `cognito:user_status`.
    static func attributes(of user: User) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for attribute in user.attributes { out[attribute.name] = .string(attribute.value) }
        out["cognito:user_status"] = .string(user.status.rawValue)
        return .object(out)
    }

    /// Attributes given to an operation (SignUp, AdminCreateUser), before there is a user.
    static func attributes(_ given: [AttributeType]) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for attribute in given { out[attribute.name] = .string(attribute.value ?? "") }
        return .object(out)
    }

    /// `ClientMetadata` or `ValidationData` as a string map; nil when the operation was given none (the key is then left out).
    static func strings(_ map: [String: String]?) -> JSONValue? {
        guard let map else { return nil }
        return .object(map.mapValues(JSONValue.string))
    }

    static func strings(_ list: [AttributeType]?) -> JSONValue? {
        guard let list else { return nil }
        return attributes(list)
    }
}
