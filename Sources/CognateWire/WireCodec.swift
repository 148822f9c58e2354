import CognitoModel
import Foundation

/// The request decoder configured for AWS JSON 1.1: timestamps are epoch seconds, blobs base64. Answers
/// are written by each output shape's generated `write(to:)` into a `JSONWriter`.
enum WireCodec {
    static func decoder(missing: MissingMembers) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.userInfo[MissingMembers.key] = missing
        return decoder
    }
}
