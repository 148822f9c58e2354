import CognateStorage
import CognitoModel
import Foundation

/// Runs a pool's Lambda triggers, as its LambdaConfig names them, and turns what they answer into
/// Cognito's outcomes: a function error is `UserLambdaValidationException` ("<Trigger> failed with error
/// <message>."), an answer that is not the event `InvalidLambdaResponseException` ("Unrecognizable lambda
/// output"), a function Lambda could not run `UnexpectedLambdaException` ("<Trigger> invocation failed
/// due to error <code>."). Nothing a function answers can crash Cognate: the response is read as JSON
/// of bounded size and every field is checked for its type.
struct Triggers {
    let deps: ServiceDependencies

    /// The LambdaConfig keys, which AWS's error messages name.
    enum Name: String, Sendable {
        case preSignUp = "PreSignUp"
        case postConfirmation = "PostConfirmation"
        case preAuthentication = "PreAuthentication"
        case postAuthentication = "PostAuthentication"
        case customMessage = "CustomMessage"
        case defineAuthChallenge = "DefineAuthChallenge"
        case createAuthChallenge = "CreateAuthChallenge"
        case verifyAuthChallengeResponse = "VerifyAuthChallengeResponse"
        case preTokenGeneration = "PreTokenGeneration"
        case userMigration = "UserMigration"
        case inboundFederation = "InboundFederation"
    }

    /// The function configured for a trigger, if any.
    static func function(_ name: Name, in pool: UserPool) -> String? {
        let config = RegionalSettings.lambdaConfig(pool)
        switch name {
        case .preSignUp: return config?.preSignUp
        case .postConfirmation: return config?.postConfirmation
        case .preAuthentication: return config?.preAuthentication
        case .postAuthentication: return config?.postAuthentication
        case .customMessage: return config?.customMessage
        case .defineAuthChallenge: return config?.defineAuthChallenge
        case .createAuthChallenge: return config?.createAuthChallenge
        case .verifyAuthChallengeResponse: return config?.verifyAuthChallengeResponse
        // PreTokenGenerationConfig names the function with its event version; the plain key is V1_0's.
        case .preTokenGeneration: return config?.preTokenGenerationConfig?.lambdaArn ?? config?.preTokenGeneration
        case .userMigration: return config?.userMigration
        case .inboundFederation: return config?.inboundFederation?.lambdaArn
        }
    }

    static let maxAnswer = LambdaLimits.maxSynchronousAnswer

    /// Runs a synchronous trigger with `event` and answers the `response` object the function returned.
    func run(_ name: Name, function: String, event: TriggerEvent) async throws(CognitoError) -> [String: JSONValue] {
        let payload: [UInt8]
        do {
            payload = Array(try JSONEncoder().encode(event.json))
        } catch {
            throw CognitoError(.internalErrorException, "The \(name.rawValue) event could not be encoded.")
        }
        try await CallingOut.confirmCachedAnswers()
        let invoker = deps.functions ?? UnavailableInvoker()
        switch await invoker.invoke(function: function, payload: payload, asynchronous: false) {
        case .functionError(let message):
            throw CognitoError(.userLambdaValidationException, "\(name.rawValue) failed with error \(message.prefix(2048)).")
        case .invocationFailed(let reason):
            throw CognitoError(.unexpectedLambdaException, "\(name.rawValue) invocation failed due to error \(reason.prefix(256)).")
        case .returned(let body):
            return try Self.response(body)
        }
    }

    /// The errors a trigger's failure becomes.
    static let failureCodes: Set<ErrorCode> = [.userLambdaValidationException, .invalidLambdaResponseException, .unexpectedLambdaException]

    static let unrecognizable = CognitoError(.invalidLambdaResponseException, "Unrecognizable lambda output")

    /// The `response` of an answer that is an event: a JSON object whose `response` is an object (or null,
    /// as the post triggers may leave it).
    static func response(_ body: [UInt8]) throws(CognitoError) -> [String: JSONValue] {
        guard body.count <= maxAnswer, let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(body)),
            case .object(let event) = answer
        else { throw unrecognizable }
        switch event["response"] {
        case .object(let response)?: return response
        case .null?, nil: return [:]
        default: throw unrecognizable
        }
    }

    /// A response field that must be text when present; null and empty count as absent.
    static func text(_ response: [String: JSONValue], _ key: String) throws(CognitoError) -> String? {
        switch response[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value.isEmpty ? nil : String(value.prefix(20_000))
        default: throw unrecognizable
        }
    }

    /// A response field that must be a string map when present (null counts as absent); values that are
    /// not strings make the answer unrecognizable.
    static func strings(_ response: [String: JSONValue], _ key: String) throws(CognitoError) -> [String: String]? {
        switch response[key] {
        case nil, .null?: return nil
        case .object(let map)?:
            var out: [String: String] = [:]
            for (name, value) in map {
                guard case .string(let text) = value else { throw unrecognizable }
                out[name] = text
            }
            return out
        default: throw unrecognizable
        }
    }

    /// A response field that must be a list of strings when present (null counts as absent).
    static func list(_ response: [String: JSONValue], _ key: String) throws(CognitoError) -> [String]? {
        switch response[key] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item throws(CognitoError) in
                guard case .string(let text) = item else { throw unrecognizable }
                return text
            }
        default: throw unrecognizable
        }
    }

    /// A response field that must be an object when present (null counts as absent).
    static func object(_ response: [String: JSONValue], _ key: String) throws(CognitoError) -> [String: JSONValue]? {
        switch response[key] {
        case nil, .null?: return nil
        case .object(let map)?: return map
        default: throw unrecognizable
        }
    }

    /// A response field that must be a boolean when present (null counts as absent).
    static func flag(_ response: [String: JSONValue], _ key: String) throws(CognitoError) -> Bool {
        switch response[key] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        default: throw unrecognizable
        }
    }
}
