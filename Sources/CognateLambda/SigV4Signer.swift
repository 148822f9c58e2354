import CognateCrypto
import Crypto
import Foundation

/// Signs an outgoing request with AWS Signature Version 4, as the AWS SDKs sign a Lambda Invoke: the
/// canonical URI's segments encoded twice (every service but S3), `host` and `x-amz-date` signed, and
/// the session token sent and signed when the credentials have one.
struct SigV4Signer: Sendable {
    var credentials: AWSCredentials
    var service: String

    /// The headers to add: `x-amz-date`, `Authorization`, and `x-amz-security-token` when there is one.
    /// `path` is the request's path as sent (its segments already percent-encoded once).
    func headers(method: String, host: String, path: String, region: String, body: [UInt8], date: Date) -> [(String, String)] {
        let amzDate = SigV4.timestamp(date)
        let day = String(amzDate.prefix(8))
        let payloadHash = SigV4.hex(SHA256.hash(data: body))
        var signed: [(name: String, value: String)] = [("host", host), ("x-amz-date", amzDate)]
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        // S3 takes the payload's hash as a header too, and signed.
        if service == "s3" { signed.append(("x-amz-content-sha256", payloadHash)) }
        signed.sort { $0.name < $1.name }
        let canonical = SigV4.canonicalRequest(method: method, path: path, query: "", headers: signed, payloadHash: payloadHash)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let signature = SigV4.signature(
            secret: credentials.secretAccessKey, day: day, region: region, service: service,
            stringToSign: SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        var out = signed.filter { $0.name != "host" }.map { ($0.name, $0.value) }
        out.append(
            (
                "Authorization",
                "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signed.map(\.name).joined(separator: ";")), Signature=\(signature)"
            ))
        return out
    }

    /// RFC 3986 percent-encoding (a function name in a path).
    static func encode(_ text: String) -> String { SigV4.uriEncode(text) }
}
