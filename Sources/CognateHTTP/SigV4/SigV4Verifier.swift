import CognateCrypto
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
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )

    static func incomplete(_ message: String) -> CognitoError { CognitoError(.incompleteSignatureException, message) }

    /// The access key ID the request was signed with, or the error to answer.
    public func verify(_ request: SignedRequest) -> Result<String, CognitoError> {
        guard let header = request.values("authorization").first else { return .failure(Self.missing) }
        let algorithm = SigV4.algorithm
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
        guard let amzDate = request.values("x-amz-date").first, let date = SigV4.parseTimestamp(amzDate) else {
            return .failure(Self.incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
        }
        guard amzDate.hasPrefix(scopeDate), scopeDate.count == 8 else {
            return .failure(
                CognitoError(
                    .invalidSignatureException,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scopeDate.prefix(8))' != '\(amzDate.prefix(8))', from '\(amzDate)'."
                ))
        }
        let current = now()
        if date < current.addingTimeInterval(-Self.maxSkew) {
            return .failure(
                CognitoError(
                    .invalidSignatureException,
                    "Signature expired: \(amzDate) is now earlier than \(Self.format(current.addingTimeInterval(-Self.maxSkew))) (\(Self.format(current)) - 15 min.)"
                ))
        }
        if date > current.addingTimeInterval(Self.maxSkew) {
            return .failure(
                CognitoError(
                    .invalidSignatureException,
                    "Signature not yet current: \(amzDate) is still later than \(Self.format(current.addingTimeInterval(Self.maxSkew))) (\(Self.format(current)) + 15 min.)"
                ))
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
        let bodyHash = SigV4.hex(SHA256.hash(data: request.body))
        if let declared = request.values("x-amz-content-sha256").first, declared != bodyHash {
            return .failure(CognitoError(.invalidSignatureException, "The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        let canonical = Self.canonicalRequest(request, signedHeaders: signedHeaders, payloadHash: bodyHash)
        let credentialScope = [scopeDate, region, scopeService, "aws4_request"].joined(separator: "/")
        let stringToSign = SigV4.stringToSign(amzDate: amzDate, scope: credentialScope, canonicalRequest: canonical)
        let expected = SigV4.signature(secret: secret, day: scopeDate, region: region, service: scopeService, stringToSign: stringToSign)
        guard ConstantTime.equal(Array(expected.utf8), Array(signature.lowercased().utf8)) else { return .failure(Self.mismatch) }
        return .success(keyID)
    }

    /// The canonical request of SigV4 over the request's values of the signed headers.
    static func canonicalRequest(_ request: SignedRequest, signedHeaders: [String], payloadHash: String) -> String {
        SigV4.canonicalRequest(
            method: request.method, path: request.path, query: request.query,
            headers: signedHeaders.map { name in (name, request.values(name).map(SigV4.trimmed).joined(separator: ",")) },
            payloadHash: payloadHash)
    }

    static func format(_ date: Date) -> String { SigV4.timestamp(date) }
}
