import AsyncHTTPClient
import CognateServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Calls Lambda functions through the Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`,
/// SigV4 with the service name `lambda`), so a pool's triggers run on AWS Lambda, ministack, LocalStack or
/// `sam local start-lambda` alike. Every call goes to `endpoint` when one is set (`--lambda-endpoint`),
/// else to the Lambda endpoint of the function ARN's region. As Cognito does, each attempt may take
/// `attemptTimeout` (5 seconds), and a call that times out or cannot connect is tried `attempts` times (3).
public struct LambdaInvoker: FunctionInvoker {
    let endpoint: URL?
    let credentials: AWSCredentials
    let attemptTimeout: TimeAmount
    let attempts: Int
    let client: HTTPClient
    let logger: Logger

    static let maxAnswer = LambdaLimits.maxSynchronousAnswer

    public init(
        endpoint: URL?, attemptTimeout: TimeAmount = .seconds(5), attempts: Int = 3, logger: Logger,
        credentials: AWSCredentials = .placeholder
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.attemptTimeout = attemptTimeout
        self.attempts = max(1, attempts)
        self.client = HTTPClient.shared
        self.logger = logger
    }

    public func invoke(function: String, payload: [UInt8], asynchronous: Bool) async -> InvocationResult {
        // Only a function's ARN in AWS's own form reaches a URL: its region names the host.
        guard AWSARN.isFunction(function) else { return .invocationFailed("InvalidParameterValueException") }
        let region = Self.region(of: function)
        guard let base = endpoint ?? URL(string: "https://lambda.\(region).amazonaws.com"), let host = base.host else {
            return .invocationFailed("InvalidParameterValueException")
        }
        let authority = base.port.map { "\(host):\($0)" } ?? host
        let path = base.path.trimmingSuffix("/") + "/2015-03-31/functions/" + SigV4Signer.encode(function) + "/invocations"
        var last = InvocationResult.invocationFailed("Socket timeout while invoking Lambda function")
        for attempt in 1...attempts {
            var request = HTTPClientRequest(url: (base.scheme ?? "https") + "://" + authority + path)
            request.method = .POST
            request.headers.add(name: "X-Amz-Invocation-Type", value: asynchronous ? "Event" : "RequestResponse")
            let signer = SigV4Signer(credentials: credentials, service: "lambda")
            for (name, value) in signer.headers(method: "POST", host: authority, path: path, region: region, body: payload, date: Date()) {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(ByteBuffer(bytes: payload))
            do {
                let response = try await client.execute(request, timeout: attemptTimeout, logger: logger)
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: Self.maxAnswer)
                } catch {
                    return .functionError("Response payload size exceeded maximum allowed payload size (\(Self.maxAnswer) bytes).")
                }
                let bytes = Array(body.readableBytesView)
                if (200..<300).contains(response.status.code) {
                    if response.headers.first(name: "X-Amz-Function-Error") != nil { return .functionError(Self.errorMessage(bytes)) }
                    return .returned(bytes)
                }
                last = .invocationFailed(Self.errorCode(response.headers, bytes, status: response.status))
                // Throttling and Lambda's own faults are tried again; a refusal is final.
                guard response.status == .tooManyRequests || response.status.code >= 500 else { return last }
            } catch {
                last = .invocationFailed(Self.isTimeout(error) ? "Socket timeout while invoking Lambda function" : "ServiceException")
                logger.debug("lambda invocation failed", metadata: ["function": "\(function)", "attempt": "\(attempt)", "error": "\(error)"])
            }
        }
        return last
    }

    /// The region of `arn:aws:lambda:<region>:<account>:function:<name>`, else us-east-1.
    static func region(of function: String) -> String {
        let parts = function.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 && parts[0] == "arn" && !parts[3].isEmpty ? String(parts[3]) : "us-east-1"
    }

    /// A failed function's `errorMessage`, or its body as text.
    static func errorMessage(_ body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let message = object["errorMessage"] as? String {
            return message
        }
        return String(decoding: body.prefix(1024), as: UTF8.self)
    }

    /// Lambda's error code: the `x-amzn-ErrorType` header (without what follows a colon), the body's `Type`
    /// or `__type`, else the HTTP status.
    static func errorCode(_ headers: HTTPHeaders, _ body: [UInt8], status: HTTPResponseStatus) -> String {
        if let type = headers.first(name: "x-amzn-ErrorType"), let code = type.split(separator: ":").first, !code.isEmpty {
            return String(code)
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            for key in ["__type", "Type", "code"] {
                if let code = object[key] as? String, !code.isEmpty { return String(code.split(separator: "#").last ?? Substring(code)) }
            }
        }
        return "HTTP \(status.code)"
    }

    static func isTimeout(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout {
            return true
        }
        return String(describing: error).lowercased().contains("timeout") || String(describing: error).contains("deadlineExceeded")
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
