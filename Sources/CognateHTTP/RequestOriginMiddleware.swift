import CognateServices
import Hummingbird

/// Tells the services where each request came from (the peer's address and the user agent), for the sessions
/// a sign-in starts or a refresh continues (`RequestOrigin`).
struct RequestOriginMiddleware: RouterMiddleware {
    typealias Context = CognateRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = RequestOrigin(ipAddress: context.remoteAddress?.ipAddress, userAgent: request.headers[.userAgent])
        return try await RequestOrigin.$current.withValue(origin) { try await next(request, context) }
    }
}
