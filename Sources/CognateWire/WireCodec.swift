import CognitoModel
import Foundation

/// The request decoder configured for AWS JSON 1.1: timestamps are epoch seconds, blobs base64. Answers
/// are written by `JSONWriter`; `encoder` remains as the reference the wire tests compare it with.
enum WireCodec {
    static func decoder(missing: MissingMembers) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.userInfo[MissingMembers.key] = missing
        return decoder
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }
}
