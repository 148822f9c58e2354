import CognateServices
import Foundation

/// `application/x-www-form-urlencoded` bodies, as OAuth endpoints take them.
enum FormBody {
    static func parse(_ bytes: [UInt8]) -> [String: String]? { FormEncoding.parse(bytes) }
    static func decode(_ bytes: some Collection<UInt8>) -> String? { FormEncoding.decode(bytes) }

    /// The client ID and secret of `Authorization: Basic …` (each form-encoded inside, RFC 6749 §2.3.1).
    static func basicCredentials(_ header: String?) -> (id: String, secret: String)?? {
        guard let header else { return .some(nil) }
        guard header.lowercased().hasPrefix("basic ") else { return .some(nil) }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return nil }
        let bytes = Array(data)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            let id = decode(bytes[..<colon]), let secret = decode(bytes[(colon + 1)...])
        else { return nil }
        return .some((id, secret))
    }
}
