import CognateServices
import HTTPTypes
import Hummingbird

/// `--enforce-quotas` on the web side: each managed-login form and OAuth request counted in its AWS category
/// in the server's Region (`--region`: the web endpoints serve every pool from one address); past the rate,
/// HTTP 429 with `Retry-After`. The token endpoint's category depends on its grant, so it counts its own
/// (`OAuthEndpoints`).
struct QuotaMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: QuotaGate
    let region: String
    let pages: Pages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let category = Self.category(request.method, request.uri.path) else { return try await next(request, context) }
        guard try await gate.admits(category, region: region) else {
            var response: Response
            switch category {
            case .userToken, .userRead:
                response = QuotaRefusal.json
            default:
                response = pages.message(
                    title: "Too many requests", "Too many requests are arriving for this service. Wait a moment, then try again.",
                    status: .tooManyRequests)
            }
            response.headers[.retryAfter] = "1"
            return response
        }
        return try await next(request, context)
    }

    /// The category a web request counts in; nil: not counted (pages shown, assets, discovery).
    static func category(_ method: HTTPRequest.Method, _ path: String) -> QuotaCategory? {
        switch (method, path) {
        case (.post, "/login"), (.post, "/login/challenge"): .userAuthentication
        case (_, "/oauth2/idpresponse"), (.post, "/saml2/idpresponse"): .userFederation
        case (.post, "/signup"), (.post, "/confirm"): .userCreation
        case (.post, "/forgotPassword"), (.post, "/confirmforgotPassword"): .userAccountRecovery
        case (.post, "/resendcode"): .userResourceRead
        case (.post, "/oauth2/revoke"): .userToken
        case (_, "/oauth2/userInfo"): .userRead
        default: nil
        }
    }
}

/// The answer of a JSON endpoint past its rate.
enum QuotaRefusal {
    static var json: Response {
        Response(
            status: .tooManyRequests, headers: [.contentType: "application/json", .retryAfter: "1", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":"too_many_requests","error_description":"Rate exceeded"}"#)))
    }
}
