import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// `POST /`: the AWS JSON 1.1 endpoint. Reads the target and body, hands them to the dispatch table,
/// and writes its answer with the AWS headers.
struct AWSEndpoint {
    let table: OperationTable
    let configuration: AppConfiguration
    let signatures: SigV4Verifier?

    init(table: OperationTable, configuration: AppConfiguration) {
        self.table = table
        self.configuration = configuration
        signatures = configuration.accessKeys.map { SigV4Verifier(keys: $0) }
    }

    static let contentType = "application/x-amz-json-1.1"
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!
    static let errorTypeHeader = HTTPField.Name("x-amzn-ErrorType")!
    static let targetHeader = HTTPField.Name("X-Amz-Target")!

    static func requestID() -> String { UUID().uuidString.lowercased() }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let requestID = Self.requestID()
        let limit = bodyLimit(request.headers[Self.targetHeader])
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return Self.tooLarge(requestID)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            return Self.tooLarge(requestID)
        }
        let signed = request.headers[.authorization]?.hasPrefix("AWS4-HMAC-SHA256") == true
        var iamAuthorized = false
        // Parsed once: the signature policy and the metrics need it.
        let operation = try? Target.operation(from: request.headers[Self.targetHeader])
        if let operation {
            switch Self.signaturePolicy(operation) {
            case .none:
                break
            case .optional where !signed:
                break
            case .optional, .required:
                if let signatures, case .failure(let error) = signatures.verify(Self.signedRequest(request, body: buffer)) {
                    return Self.response(.error(error, status: 400), requestID: requestID)
                }
                iamAuthorized = signed
            }
        }
        let region =
            CredentialScope.region(fromAuthorization: request.headers[.authorization]) ?? Self.region(fromHost: request.head.authority)
            ?? configuration.region
        let started = ContinuousClock.now
        let answer = await table.dispatch(
            target: request.headers[Self.targetHeader], body: Data(buffer.readableBytesView),
            context: OperationContext(region: region, requestID: requestID, iamAuthorized: iamAuthorized), logger: context.logger
        )
        Self.measure(operation, answer, since: started)
        if context.logger.logLevel <= .debug { Self.logAccess(context.logger, request, answer, requestID: requestID, since: started) }
        return Self.response(answer, requestID: requestID)
    }

    /// The largest body taken: the configured limit, and AWS's 2 MB for the two branding-style writes, whose
    /// images are up to 1 MB each before base64.
    func bodyLimit(_ target: String?) -> Int {
        guard let target, target.hasSuffix("ManagedLoginBranding") else { return configuration.maxBodySize }
        switch try? Target.operation(from: target) {
        case .createManagedLoginBranding?, .updateManagedLoginBranding?: return Self.largestBody(configuration)
        default: return configuration.maxBodySize
        }
    }

    /// The largest body any operation takes.
    static func largestBody(_ configuration: AppConfiguration) -> Int { max(configuration.maxBodySize, 2 << 20) }

    enum SignaturePolicy { case none, optional, required }

    /// Whether an operation's request must carry a verified SigV4 signature. The model's unauthenticated
    /// operations take none; IAM is not evaluated for GetClientToken (the client secret is the credential);
    /// GetDerivedToken is authorized by IAM or by the client, so a signature is checked only when present.
    static func signaturePolicy(_ operation: CognitoOperation) -> SignaturePolicy {
        if operation.isUnauthenticated || operation == .getClientToken { return .none }
        if operation == .getDerivedToken { return .optional }
        return .required
    }

    /// The parts of the request a SigV4 signature covers.
    static func signedRequest(_ request: Request, body: ByteBuffer) -> SignedRequest {
        var headers: [(name: String, value: String)] = []
        if let authority = request.head.authority { headers.append(("host", authority)) }
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let target = request.head.path ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return SignedRequest(
            method: request.method.rawValue, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "", headers: headers,
            body: Array(body.readableBytesView))
    }

    private static func tooLarge(_ requestID: String) -> Response {
        response(
            .error(CognitoError(.requestEntityTooLargeException, "The request body is larger than the limit of 1 MiB."), status: 413),
            requestID: requestID)
    }

    /// Requests by operation and outcome (`ok` or the error code), and their latency by operation.
    static func measure(_ parsed: CognitoOperation?, _ answer: WireResponse, since started: ContinuousClock.Instant) {
        let operation = parsed?.rawValue ?? "unknown"
        Counter(label: "cognate_requests_total", dimensions: [("operation", operation), ("outcome", answer.errorCode?.rawValue ?? "ok")])
            .increment()
        let elapsed = ContinuousClock.now - started
        Timer(label: "cognate_request_duration_seconds", dimensions: [("operation", operation)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    /// One line per request at debug level: the operation, status, error code, duration and request ID.
    /// Never the body: it may hold passwords, codes and tokens.
    static func logAccess(_ logger: Logger, _ request: Request, _ answer: WireResponse, requestID: String, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let target = request.headers[targetHeader].map { String($0.split(separator: ".").last ?? "") } ?? "-"
        logger.debug(
            "\(target.prefix(64)) \(answer.status) \(answer.errorCode?.rawValue ?? "-") \(String(format: "%.2f", milliseconds)) ms",
            metadata: [
                "operation": "\(target.prefix(64))", "status": "\(answer.status)", "error": "\(answer.errorCode?.rawValue ?? "")",
                "ms": "\(String(format: "%.2f", milliseconds))", "requestID": "\(requestID)",
            ])
    }

    static func response(_ answer: WireResponse, requestID: String) -> Response {
        var headers: HTTPFields = [.contentType: contentType, requestIDHeader: requestID]
        if let code = answer.errorCode { headers[errorTypeHeader] = code.rawValue }
        return Response(
            status: .init(code: answer.status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}

extension AWSEndpoint {
    /// The Region of an unsigned request sent to AWS's own host name for the service
    /// (`cognito-idp.<region>.amazonaws.com`, as an SDK addresses it when that name leads to Cognate); nil for
    /// any other host.
    static func region(fromHost host: String?) -> String? {
        guard var name = host?.lowercased(), name.utf8.count <= 253 else { return nil }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 4, labels[0] == "cognito-idp" || labels[0] == "cognito-idp-fips", labels[2] == "amazonaws", labels[3] == "com",
            (5...32).contains(labels[1].count), labels[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else { return nil }
        return String(labels[1])
    }
}
