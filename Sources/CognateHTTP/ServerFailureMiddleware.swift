import CognateServices
import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The answer to a failure that is no fault of the request — above all a database that does not answer —
/// when it escapes a route of the web side: OAuth's `temporarily_unavailable` (503) or `server_error` (500)
/// in JSON at the OAuth endpoints, and an error page with the same status everywhere else. Never a
/// framework default, and never something a client would read as "invalid client" or "not found".
/// (The AWS endpoint at `/` answers its own failures as InternalErrorException; HTTP errors pass on to
/// `AWSErrorMiddleware`.)
struct ServerFailureMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: Pages
    let logger: Logger

    static var jsonPaths: Set<String> { ["/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw error
        } catch StorageError.recoveryInProgress where !Self.jsonPaths.contains(request.uri.path) && request.uri.path != "/" {
            // A sign-in that would change the user (a federated user's new attributes, a new password) while a
            // point-in-time recovery pauses writes: the pool's, not the server's, and over when the recovery ends.
            var response = pages.message(
                title: "Service unavailable", "User accounts are being restored just now. Please try again later.", status: .serviceUnavailable)
            response.headers[.retryAfter] = "60"
            return response
        } catch {
            logger.error("\(request.method.rawValue) \(request.uri.path): \(error)")
            let failure = OAuthError.serverFailure(error)
            if request.uri.path == "/" {
                let message = failure.status == 503 ? "The database is unavailable; try again." : "Internal server error."
                return AWSEndpoint.response(.error(CognitoError(.internalErrorException, message), status: 500), requestID: AWSEndpoint.requestID())
            }
            if Self.jsonPaths.contains(request.uri.path) { return OAuthEndpoints.error(failure) }
            if request.uri.path.contains("/.well-known/") {
                var response = OAuthEndpoints.json(
                    Data(#"{"message":"The service cannot answer just now; try again."}"#.utf8), status: HTTPResponse.Status(code: failure.status))
                if failure.status == 503 { response.headers[.retryAfter] = "5" }
                return response
            }
            var response = pages.message(
                title: failure.status == 503 ? "Service unavailable" : "Server error",
                failure.status == 503
                    ? "The service cannot answer just now. Please try again in a moment."
                    : "Something went wrong on our side. Please try again.",
                status: HTTPResponse.Status(code: failure.status))
            if failure.status == 503 { response.headers[.retryAfter] = "5" }
            return response
        }
    }
}
