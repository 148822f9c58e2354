import CognitoModel
import Foundation
import Logging

/// The dispatch table: each implemented operation's handler, behind one shared decode → check → handle
/// → encode path, so no handler can skip a step.
public struct OperationTable: Sendable {
    typealias ErasedHandler = @Sendable (Data, OperationContext) async throws -> [UInt8]

    private var handlers: [CognitoOperation: ErasedHandler] = [:]

    /// Asked before each implemented operation runs, with the request as it came: throws the error a request
    /// refused before any work answers with (the request-rate quotas' `TooManyRequestsException`).
    public typealias Admission = @Sendable (CognitoOperation, Data, OperationContext) async throws -> Void
    public var admission: Admission?
    /// Runs each admitted operation's handler (`run`), inside whatever the request's circumstances call for
    /// (a secondary Region's own settings); nil: the handler runs as it is.
    public typealias Scope = @Sendable (CognitoOperation, Data, OperationContext, @Sendable () async throws -> [UInt8]) async throws -> [UInt8]
    public var scope: Scope?

    public init() {}

    /// Registers the handler of one operation; the input it receives has passed every model constraint.
    public mutating func register<Op: OperationShape>(
        _ op: Op.Type,
        _ handler: @escaping @Sendable (Op.Input, OperationContext) async throws -> Op.Output
    ) {
        handlers[Op.operation] = { body, context in
            let input: Op.Input = try RequestDecoder.decode(Op.Input.self, from: body)
            let output = try await handler(input, context)
            return JSONWriter.encode(output)
        }
    }

    /// The operations with a handler, for the coverage table.
    public var implemented: Set<CognitoOperation> { Set(handlers.keys) }

    /// Answers one request of the AWS JSON endpoint. Never throws: every failure becomes an AWS error body.
    public func dispatch(target: String?, body: Data, context: OperationContext, logger: Logger) async -> WireResponse {
        do {
            let operation = try Target.operation(from: target)
            guard let handler = handlers[operation] else {
                throw CognitoError(.unsupportedOperationException, "Cognate does not implement \(operation.rawValue) yet.")
            }
            try await admission?(operation, body, context)
            let output: [UInt8]
            if let scope {
                output = try await scope(operation, body, context) { try await handler(body, context) }
            } else {
                output = try await handler(body, context)
            }
            return WireResponse(status: 200, body: output)
        } catch let error as CognitoError {
            return .error(error)
        } catch is any RequestRunsAgain {
            // Not sent: the request runs again (see `RequestRunsAgain`).
            return .error(CognitoError(.internalErrorException, "An internal error occurred (request \(context.requestID))."))
        } catch let error as any CognitoErrorConvertible where error.cognitoError != nil {
            let answer = error.cognitoError!
            // A database that failed is the operator's concern; a refusal storage words itself (a flood bound, a
            // recovery's write pause) is the caller's.
            if answer.code == .internalErrorException {
                logger.error("unavailable", metadata: ["error": "\(String(reflecting: error))", "requestID": "\(context.requestID)"])
            } else {
                logger.debug("refused by storage", metadata: ["error": "\(String(reflecting: error))", "requestID": "\(context.requestID)"])
            }
            return .error(answer)
        } catch {
            logger.error("internal error", metadata: ["error": "\(String(reflecting: error))", "requestID": "\(context.requestID)"])
            return .error(CognitoError(.internalErrorException, "An internal error occurred (request \(context.requestID))."))
        }
    }
}
