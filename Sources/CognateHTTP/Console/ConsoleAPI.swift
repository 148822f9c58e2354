import CognateWire
import CognitoModel
import Foundation
import Logging

/// The console's way to read and change pools: the API's own operations, through the same dispatch table
/// as `POST /`, so that every rule, check and error message is the API's.
struct ConsoleAPI: Sendable {
    let table: OperationTable
    let defaultRegion: String
    let logger: Logger

    /// An operation's error: its `__type` and message.
    struct Failure: Error, CustomStringConvertible {
        var code: String
        var message: String

        var description: String { message.isEmpty ? code : "\(code): \(message)" }
    }

    /// Calls `operation` with `input` (the API's member names) and answers its output object.
    func call(_ operation: String, _ input: [String: JSONValue]) async throws(Failure) -> [String: JSONValue] {
        let body: Data
        do {
            body = try JSONEncoder().encode(JSONValue.object(input))
        } catch {
            throw Failure(code: "SerializationException", message: "\(error)")
        }
        // Operations of one pool run in the pool's region, as a client of that region would call them.
        var region = defaultRegion
        if case .string(let poolID)? = input["UserPoolId"], let separator = poolID.firstIndex(of: "_") {
            region = String(poolID[..<separator])
        }
        let answer = await table.dispatch(
            target: "AWSCognitoIdentityProviderService." + operation, body: body,
            context: OperationContext(region: region, requestID: AWSEndpoint.requestID(), iamAuthorized: true), logger: logger)
        let output = (try? JSONDecoder().decode(JSONValue.self, from: Data(answer.body))) ?? .object([:])
        guard answer.status == 200 else {
            var message = ""
            if case .object(let fields) = output, case .string(let text)? = fields["message"] { message = text }
            throw Failure(code: answer.errorCode?.rawValue ?? "Error", message: message)
        }
        guard case .object(let fields) = output else { return [:] }
        return fields
    }
}

extension JSONValue {
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    var object: [String: JSONValue] {
        if case .object(let fields) = self { return fields }
        return [:]
    }

    var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
