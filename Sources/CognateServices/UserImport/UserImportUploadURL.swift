import CognateCrypto
import Crypto
import Foundation

/// The pre-signed URL a user import job's CSV file is uploaded to (`curl -T users.csv -H
/// "x-amz-server-side-encryption:aws:kms" "$URL"`, AWS's instruction): Cognate's own address, signed in
/// SigV4's query form as S3 signs a PUT (the host and `x-amz-server-side-encryption` headers signed, the
/// payload not, 899 seconds to live) under a key derived from the server's secrets key, which only Cognate
/// holds. Checking a request repeats the signing with what the request carries: another path (another job),
/// another header value or an altered parameter give another signature.
public struct UserImportUploadURL: Sendable {
    public static let expiresIn = 899
    static let accessKeyID = "COGNATEUSERIMPORTKEY"
    static let encryption = "aws:kms"

    /// The secret the URLs are signed with.
    let secret: String
    let publicBaseURL: String

    public init(key: SymmetricKey, publicBaseURL: String) {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("cognate: user import upload URLs".utf8), outputByteCount: 32)
        self.secret = derived.withUnsafeBytes { SigV4.hex($0) }
        self.publicBaseURL = publicBaseURL
    }

    /// The path a job's file is uploaded to.
    public static func path(poolID: String, jobID: String) -> String { "/_cognate/user-import/\(poolID)/\(jobID)" }

    /// A URL valid for `expiresIn` seconds from `now`.
    func url(poolID: String, jobID: String, region: String, now: Date) -> String {
        let base = URLComponents(string: publicBaseURL)
        let host = Self.authority(base)
        let path = (base?.path ?? "") + Self.path(poolID: poolID, jobID: jobID)
        let amzDate = SigV4.timestamp(now)
        let day = String(amzDate.prefix(8))
        let parameters = [
            ("X-Amz-Algorithm", SigV4.algorithm), ("X-Amz-Date", amzDate),
            ("X-Amz-SignedHeaders", "host;x-amz-server-side-encryption"), ("X-Amz-Expires", String(Self.expiresIn)),
            ("X-Amz-Credential", "\(Self.accessKeyID)/\(day)/\(region)/s3/aws4_request"),
        ]
        let query = parameters.map { SigV4.uriEncode($0.0) + "=" + SigV4.uriEncode($0.1) }.joined(separator: "&")
        let signature = sign(path: path, query: query, host: host, encryption: Self.encryption, amzDate: amzDate, region: region)
        return publicBaseURL + Self.path(poolID: poolID, jobID: jobID) + "?" + query + "&X-Amz-Signature=" + signature
    }

    /// Why S3 would refuse a PUT to the job's URL: the parameters, the signature, the expiry (in that order,
    /// as S3 checks them). `query` as the request carries it (percent-encoded); the path signed is the public one.
    public func check(poolID: String, jobID: String, query: String, host: String?, encryption: String?, now: Date) -> Refusal? {
        let path = (URLComponents(string: publicBaseURL)?.path ?? "") + Self.path(poolID: poolID, jobID: jobID)
        var values: [String: String] = [:]
        var unsigned: [String] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0].removingPercentEncoding ?? parts[0]
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            values[name] = value
            if name != "X-Amz-Signature" { unsigned.append(String(pair)) }
        }
        let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"]
        guard required.allSatisfy({ values[$0] != nil }) else { return .missingParameters }
        guard values["X-Amz-Algorithm"] == SigV4.algorithm else { return .unsupportedAlgorithm }
        let scope = values["X-Amz-Credential"]!.split(separator: "/").map(String.init)
        guard scope.count == 5, scope[0] == Self.accessKeyID, scope[3] == "s3", scope[4] == "aws4_request" else { return .invalidAccessKey }
        guard let date = SigV4.parseTimestamp(values["X-Amz-Date"]!), let expires = Int(values["X-Amz-Expires"]!), expires >= 0,
            scope[1] == String(values["X-Amz-Date"]!.prefix(8))
        else { return .signatureMismatch }
        guard values["X-Amz-SignedHeaders"] == "host;x-amz-server-side-encryption", let host, let encryption else { return .signatureMismatch }
        let expected = sign(
            path: path, query: unsigned.joined(separator: "&"), host: host, encryption: encryption, amzDate: values["X-Amz-Date"]!,
            region: scope[2])
        guard ConstantTime.equal(Array(expected.utf8), Array(values["X-Amz-Signature"]!.utf8)) else { return .signatureMismatch }
        guard now <= date.addingTimeInterval(TimeInterval(expires)) else { return .expired }
        return nil
    }

    public enum Refusal: Sendable, Equatable {
        case missingParameters, unsupportedAlgorithm, invalidAccessKey, signatureMismatch, expired
    }

    private func sign(path: String, query: String, host: String, encryption: String, amzDate: String, region: String) -> String {
        let canonical = SigV4.canonicalRequest(
            method: "PUT", path: path, query: query, headers: [("host", host), ("x-amz-server-side-encryption", encryption)],
            payloadHash: "UNSIGNED-PAYLOAD")
        let day = String(amzDate.prefix(8))
        let toSign = SigV4.stringToSign(amzDate: amzDate, scope: "\(day)/\(region)/s3/aws4_request", canonicalRequest: canonical)
        return SigV4.signature(secret: secret, day: day, region: region, service: "s3", stringToSign: toSign)
    }

    /// `host[:port]` as a client sends it in `Host` for this URL (the default port left out).
    static func authority(_ url: URLComponents?) -> String {
        let host = url?.host ?? "localhost"
        guard let port = url?.port else { return host }
        if (url?.scheme == "http" && port == 80) || (url?.scheme == "https" && port == 443) { return host }
        return "\(host):\(port)"
    }
}
