import CognitoModel
import Foundation

/// Turns a request body into an operation's input, answering AWS's errors for malformed JSON
/// (SerializationException) and for violated model constraints (InvalidParameterException).
public enum RequestDecoder {
    public static func decode<T: Decodable & ValidatableShape>(_ type: T.Type, from body: Data) throws(CognitoError) -> T {
        let missing = MissingMembers()
        let data = body.isEmpty ? Data("{}".utf8) : body
        if let key = DuplicateKeyScan.firstDuplicate(in: data) {
            throw CognitoError(.serializationException, "The request body names the member '\(key.prefix(64))' twice in one object.")
        }
        if NullCharacterScan.containsNull(in: data) {
            throw CognitoError(.invalidParameterException, NullCharacterScan.message)
        }
        let value: T
        do {
            value = try WireCodec.decoder(missing: missing).decode(T.self, from: data)
        } catch let error as DecodingError {
            throw CognitoError(.serializationException, describe(error))
        } catch {
            throw CognitoError(.serializationException, "The request body is not valid JSON.")
        }
        var checker = ConstraintChecker()
        let missingPaths = missing.wirePaths
        for path in missingPaths { checker.missing(path) }
        value.validate(&checker, parent: "")
        // A missing member was decoded as a stand-in value: only its absence is reported.
        checker.dropViolations(at: Set(missingPaths), keepingFirst: missingPaths.count)
        if let message = checker.message {
            throw CognitoError(.invalidParameterException, message)
        }
        return value
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "Unexpected value type at '\(path(context))': expected \(name(of: type))."
        case .valueNotFound(let type, let context):
            return "Missing value at '\(path(context))': expected \(name(of: type))."
        case .keyNotFound(let key, _):
            return "Missing member '\(key.stringValue)'."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "The request body is not valid JSON."
            }
            return "Invalid value at '\(path(context))'."
        @unknown default:
            return "The request body could not be read."
        }
    }

    /// The member's path as the message names it; a path through map keys the client chose is cut short.
    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.isEmpty ? "(body)" : MissingMembers.wirePath(context.codingPath)
        return path.utf16.count > 256 ? String(path.prefix(256)) + "..." : path
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        case is Date.Type: return "a timestamp (epoch seconds)"
        case is Data.Type: return "base64-encoded bytes"
        default:
            let text = String(describing: type)
            if text.hasPrefix("Array") { return "a list" }
            if text.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
