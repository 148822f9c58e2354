import CognateStorage
import Hummingbird

/// Gives each request its own `CacheValidation`, so that a node on a shared database checks its caches
/// once per request, after the request began.
struct CacheValidationMiddleware: RouterMiddleware {
    typealias Context = CognateRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await CacheValidation.$current.withValue(CacheValidation()) { try await next(request, context) }
    }
}
