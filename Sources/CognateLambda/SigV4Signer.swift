import Crypto
import Foundation

/// Signs an outgoing request with AWS Signature Version 4, as the AWS SDKs sign a Lambda Invoke: the
/// canonical URI's segments encoded twice (every service but S3), `host` and `x-amz-date` signed, and
/// the session token sent and signed when the credentials have one.
struct SigV4Signer: Sendable {
    struct Credentials: Sendable, Equatable {
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String?

        /// The usual AWS environment variables; local endpoints accept any value, so without them a
        /// placeholder signs.
        static func environment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Credentials {
            Credentials(
                accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? "cognate-local",
                secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "cognate-local",
                sessionToken: environment["AWS_SESSION_TOKEN"])
        }
    }

    var credentials: Credentials
    var service: String

    /// The headers to add: `x-amz-date`, `Authorization`, and `x-amz-security-token` when there is one.
    /// `path` is the request's path as sent (its segments already percent-encoded once).
    func headers(method: String, host: String, path: String, region: String, body: [UInt8], date: Date) -> [(String, String)] {
        let amzDate = Self.timestamp(date)
        let day = String(amzDate.prefix(8))
        var signed: [(String, String)] = [("host", host), ("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        signed.sort { $0.0 < $1.0 }
        let canonicalURI = path.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
        let canonicalHeaders = signed.map { "\($0.0):\($0.1.trimmingCharacters(in: .whitespaces))\n" }.joined()
        let signedNames = signed.map(\.0).joined(separator: ";")
        let canonical = [method, canonicalURI, "", canonicalHeaders, signedNames, Self.hex(SHA256.hash(data: body))].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonical.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: key))
        var out = signed.filter { $0.0 != "host" }
        out.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedNames), Signature=\(signature)"))
        return out
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// RFC 3986 percent-encoding: everything but unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
