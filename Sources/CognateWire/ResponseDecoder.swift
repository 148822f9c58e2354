import CognitoModel
import Foundation

/// Reads an answer of the AWS JSON endpoint back into its output shape, as an SDK does: the wire's
/// encodings, no request constraints. For clients and tests written in Swift.
public enum ResponseDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        try WireCodec.decoder(missing: MissingMembers()).decode(T.self, from: Data(body.isEmpty ? Array("{}".utf8) : body))
    }

    /// The `__type` and message of an error answer; nil when the body is not one.
    public static func error(from body: [UInt8]) -> CognitoError? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let type = object["__type"] as? String
        else { return nil }
        return CognitoError(ErrorCode(rawValue: type), object["message"] as? String ?? "")
    }
}
