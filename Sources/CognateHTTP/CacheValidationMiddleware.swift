import CognateStorage
import HTTPTypes
import Hummingbird
import Logging

/// Gives each request its own `CacheValidation`, so that a node on a shared database checks its caches
/// after the request began. A request whose body fits in memory is checked provisionally: its cached
/// answers are confirmed by the count its reads by key bring back, or before its answer leaves; when
/// another node's write made them stale, its answer is dropped and it runs again, checked first.
struct CacheValidationMiddleware: RouterMiddleware {
    typealias Context = CognateRequestContext

    /// The largest body kept in memory to run a request again: the largest any route reads.
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        guard try await Self.keepBody(&request, upTo: bodyLimit) else {
            return try await CacheValidation.$current.withValue(CacheValidation()) { try await next(request, context) }
        }
        let provisional = CacheValidation(provisional: true)
        let outcome: Result<Response, any Error> = await CacheValidation.$current.withValue(provisional) {
            let outcome: Result<Response, any Error>
            do { outcome = .success(try await next(request, context)) } catch { outcome = .failure(error) }
            // A server error (thrown, or answered: the database failed) claims nothing the caches told; it
            // leaves without another wait for the database.
            if !provisional.isStale, Self.isServerError(outcome) { return outcome }
            do {
                try await provisional.confirm()
                return outcome
            } catch {
                return provisional.isStale ? outcome : .failure(error)
            }
        }
        if !provisional.isStale { return try outcome.get() }
        // Another node changed a cached record this answer came from: run it again, checked first.
        context.logger.debug("a cached record changed on another node during the request: it runs again")
        return try await CacheValidation.$current.withValue(CacheValidation()) { try await next(request, context) }
    }

    static func isServerError(_ outcome: Result<Response, any Error>) -> Bool {
        switch outcome {
        case .success(let response): response.status.code >= 500
        case .failure(let error): ((error as? any HTTPResponseError)?.status.code ?? 500) >= 500
        }
    }

    /// Reads the body into memory when its declared length is within `limit` (none declared and not
    /// chunked: empty), so that the request can run twice; false otherwise, the body left unread. A body
    /// that ends before its length (the client left, or took longer than the request timeout) cannot be
    /// read again: the request ends there.
    static func keepBody(_ request: inout Request, upTo limit: Int) async throws -> Bool {
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0, length <= limit else { return false }
        } else if request.headers[.transferEncoding] != nil {
            return false
        }
        do {
            _ = try await request.collectBody(upTo: limit)
            return true
        } catch {
            throw HTTPError(.badRequest, message: "The request's body could not be read.")
        }
    }
}
