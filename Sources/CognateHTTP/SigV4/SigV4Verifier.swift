import CognitoModel
import Crypto
import Foundation

/// What a signature is computed over: the parts of an HTTP request SigV4 reads.
public struct SignedRequest: Sendable {
    public var method: String
    /// The path as sent, without the query.
    public var path: String
    /// The query string as sent, without the `?`.
    public var query: String
    /// Header names lowercased, values as received (`host` included).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    func values(_ name: String) -> [String] {
        headers.filter { $0.name == name }.map(\.value)
    }
}

/// Checks AWS Signature Version 4 (`AWS4-HMAC-SHA256` in the Authorization header) as AWS does: the
/// credential's key is known and scoped to this service, the request's date is within 15 minutes of
/// the server's clock (the window in which a captured request can be replayed), and the signature over
/// the canonical request matches. Failures answer AWS's error codes and words.
public struct SigV4Verifier: Sendable {
    public let keys: AccessKeys
    public let service: String
    public let now: @Sendable () -> Date

    public static let maxSkew: TimeInterval = 15 * 60

    public init(keys: AccessKeys, service: String = "cognito-idp", now: @escaping @Sendable () -> Date = { Date() }) {
        self.keys = keys
        self.service = service
        self.now = now
    }

    static let missing = CognitoError(.missingAuthenticationTokenException, "Missing Authentication Token")
    static let unrecognized = CognitoError(.unrecognizedClientException, "The security token included in the request is invalid.")
    static let mismatch = CognitoError(
        .invalidSignatureException,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    static func incomplete(_ message: String) -> CognitoError { CognitoError(.incompleteSignatureException, message) }

    /// The access key ID the request was signed with, or the error to answer.
    public func verify(_ request: SignedRequest) -> Result<String, CognitoError> {
        guard let header = request.values("authorization").first else { return .failure(Self.missing) }
        let algorithm = "AWS4-HMAC-SHA256"
        guard header.hasPrefix(algorithm + " ") else {
            return .failure(Self.incomplete("Unsupported AWS 'algorithm': the Authorization header must start with \(algorithm)."))
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        let missingFields = ["Credential", "Signature", "SignedHeaders"].filter { fields[$0] == nil }
        guard missingFields.isEmpty, let credential = fields["Credential"], let signature = fields["Signature"],
              let signedHeaderList = fields["SignedHeaders"]
        else {
            return .failure(Self.incomplete(missingFields.map { "Authorization header requires '\($0)' parameter." }.joined(separator: " ")))
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            return .failure(Self.incomplete("Credential should have 5 parts: access key ID, date, region, service and aws4_request."))
        }
        let (keyID, scopeDate, region, scopeService) = (scope[0], scope[1], scope[2], scope[3])
        guard let secret = keys.secrets[keyID] else { return .failure(Self.unrecognized) }
        guard scopeService == service else {
            return .failure(CognitoError(.invalidSignatureException, "Credential should be scoped to correct service: '\(service)'. "))
        }
        guard !region.isEmpty, region.count <= 20 else {
            return .failure(CognitoError(.invalidSignatureException, "Credential should be scoped to a valid region. "))
        }
        guard let amzDate = request.values("x-amz-date").first, let date = Self.parseDate(amzDate) else {
            return .failure(Self.incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
        }
        guard amzDate.hasPrefix(scopeDate), scopeDate.count == 8 else {
            return .failure(CognitoError(
                .invalidSignatureException,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scopeDate.prefix(8))' != '\(amzDate.prefix(8))', from '\(amzDate)'."))
        }
        let current = now()
        if date < current.addingTimeInterval(-Self.maxSkew) {
            return .failure(CognitoError(
                .invalidSignatureException,
                "Signature expired: \(amzDate) is now earlier than \(Self.format(current.addingTimeInterval(-Self.maxSkew))) (\(Self.format(current)) - 15 min.)"))
        }
        if date > current.addingTimeInterval(Self.maxSkew) {
            return .failure(CognitoError(
                .invalidSignatureException,
                "Signature not yet current: \(amzDate) is still later than \(Self.format(current.addingTimeInterval(Self.maxSkew))) (\(Self.format(current)) + 15 min.)"))
        }
        let signedHeaders = signedHeaderList.split(separator: ";").map { String($0) }
        guard signedHeaders.contains("host") else {
            return .failure(CognitoError(.invalidSignatureException, "'Host' must be a 'SignedHeader' in the AWS Authorization."))
        }
        // The date and the operation are part of what is signed: a signature that left either out could be
        // replayed at another time, or as another operation (a captured AdminGetUser as AdminDeleteUser).
        guard signedHeaders.contains("x-amz-date") else {
            return .failure(CognitoError(.invalidSignatureException, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."))
        }
        if !request.values("x-amz-target").isEmpty, !signedHeaders.contains("x-amz-target") {
            return .failure(CognitoError(.invalidSignatureException, "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."))
        }
        let bodyHash = HexDigits.hex(SHA256.hash(data: request.body))
        if let declared = request.values("x-amz-content-sha256").first, declared != bodyHash {
            return .failure(CognitoError(.invalidSignatureException, "The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        let canonical = Self.canonicalRequest(request, signedHeaders: signedHeaders, payloadHash: bodyHash)
        let credentialScope = [scopeDate, region, scopeService, "aws4_request"].joined(separator: "/")
        let stringToSign = [algorithm, amzDate, credentialScope, HexDigits.hex(SHA256.hash(data: Array(canonical.utf8)))].joined(separator: "\n")
        let expected = Self.signature(secret: secret, date: scopeDate, region: region, service: scopeService, stringToSign: stringToSign)
        guard Self.constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else { return .failure(Self.mismatch) }
        return .success(keyID)
    }

    /// The canonical request of SigV4: method, URI, query, the signed headers and the payload's hash.
    static func canonicalRequest(_ request: SignedRequest, signedHeaders: [String], payloadHash: String) -> String {
        let headers = signedHeaders.map { name in
            name + ":" + request.values(name).map(Self.trimmed).joined(separator: ",") + "\n"
        }.joined()
        return [
            request.method, canonicalURI(request.path), canonicalQuery(request.query), headers, signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The path, each segment encoded again (non-S3 services encode the path as sent once more).
    static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }.joined(separator: "/")
    }

    /// Parameters decoded, encoded strictly, sorted by name and then value.
    static func canonicalQuery(_ query: String) -> String {
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
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + HexDigits.hex([byte]).uppercased()
            }
        }
        return out
    }

    /// A header value with its ends trimmed and inner runs of spaces made one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func signature(secret: String, date: String, region: String, service: String, stringToSign: String) -> String {
        func hmac(_ key: [UInt8], _ text: String) -> [UInt8] {
            Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key)))
        }
        let signingKey = hmac(hmac(hmac(hmac(Array(("AWS4" + secret).utf8), date), region), service), "aws4_request")
        return HexDigits.hex(hmac(signingKey, stringToSign))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    static func parseDate(_ text: String) -> Date? {
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
        guard let date = calendar.date(from: components), format(date) == text else { return nil }
        return date
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}

/// Lower-case hex of bytes.
enum HexDigits {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
