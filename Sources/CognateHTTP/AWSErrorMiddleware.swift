import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird

/// Gives every response an `x-amzn-RequestId`, and renders every error that escapes a route — unknown path, wrong method, oversized body — as an AWS
/// JSON error body with a clear message, so no framework default body reaches a client.
struct AWSErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            if response.headers[AWSEndpoint.requestIDHeader] == nil {
                response.headers[AWSEndpoint.requestIDHeader] = AWSEndpoint.requestID()
            }
            return response
        } catch let error as HTTPError {
            let code: ErrorCode
            let message: String
            switch error.status {
            case .notFound:
                code = .unknownOperationException
                message = "No route for \(request.method.rawValue) \(request.uri.path). The AWS API is POST / with an X-Amz-Target header."
            case .methodNotAllowed:
                code = .unknownOperationException
                message = "Method \(request.method.rawValue) is not allowed on \(request.uri.path)."
            case .contentTooLarge:
                code = .requestEntityTooLargeException
                message = "The request body is too large."
            default:
                code = error.status.code >= 500 ? .internalErrorException : .invalidParameterException
                message = error.body ?? error.status.reasonPhrase
            }
            return AWSEndpoint.response(
                WireResponse.error(CognitoError(code, message), status: error.status.code), requestID: AWSEndpoint.requestID())
        }
    }
}
