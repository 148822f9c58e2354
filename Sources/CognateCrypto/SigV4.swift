import Crypto
import Foundation

/// AWS Signature Version 4, the parts that signing a request and checking one share: the canonical
/// request, the string to sign, the derived signing key and the signature, and their encodings. Cognate
/// signs what it sends to Lambda and KMS, and checks what administrators send it, with these same steps.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The canonical request: method, URI, query, the signed headers (`name:value` lines, names lowercased,
    /// in `signedHeaders` order), their names, and the payload's hash.
    public static func canonicalRequest(
        method: String, path: String, query: String, headers: [(name: String, value: String)], payloadHash: String
    ) -> String {
        let lines = headers.map { $0.name + ":" + trimmed($0.value) + "\n" }.joined()
        return [method, canonicalURI(path), canonicalQuery(query), lines, headers.map(\.name).joined(separator: ";"), payloadHash]
            .joined(separator: "\n")
    }

    /// What is signed: the algorithm, the request's time, the credential scope and the canonical request's hash.
    public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope, hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
    }

    /// The signature: HMAC-SHA256 of the string to sign under the key derived from the secret, the day,
    /// the region and the service.
    public static func signature(secret: String, day: String, region: String, service: String, stringToSign: String) -> String {
        var key = Array(("AWS4" + secret).utf8)
        for part in [day, region, service, "aws4_request"] {
            key = Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: SymmetricKey(data: key)))
        }
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: key)))
    }

    /// The path, each segment encoded again (every service but S3 encodes the path as sent once more).
    public static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }.joined(separator: "/")
    }

    /// Parameters decoded, encoded strictly, sorted by name and then value.
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = uriEncode(parts[0].removingPercentEncoding ?? parts[0])
            let value = parts.count > 1 ? uriEncode(parts[1].removingPercentEncoding ?? parts[1]) : ""
            pairs.append((name, value))
        }
        pairs.sort { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        return pairs.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// RFC 3986 encoding: everything but the unreserved characters as %XX (upper-case hex).
    public static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hex([byte]).uppercased()
            }
        }
        return out
    }

    /// A header value with its ends trimmed and inner runs of spaces made one.
    public static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// Lower-case hex of bytes.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, the form of `X-Amz-Date`.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The date of an `X-Amz-Date` value, or nil when it is not exactly that form.
    public static func parseTimestamp(_ text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), timestamp(date) == text else { return nil }
        return date
    }
}
