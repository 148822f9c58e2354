import CognateServices
import Foundation
import HTTPTypes
import Hummingbird

/// The OAuth 2.0 endpoints served on Cognate's own address for every pool (the pool is the client's):
/// `POST /oauth2/token`.
struct OAuthEndpoints {
    let tokens: TokenEndpoint
    let userInfo: UserInfo
    /// Counts token requests (`--enforce-quotas`): client_credentials as ClientAuthentication, the other grants
    /// as UserAuthentication.
    var quotas: QuotaGate?
    var region = ""

    /// Larger token requests are refused unread.
    static let maxFormSize = 64 * 1024

    func add(to router: Router<some RequestContext>) {
        addRevocationAndUserInfo(to: router)
        router.post("/oauth2/token") { request, _ -> Response in
            guard let (form, basic) = await Self.form(request) else { return Self.error(.invalidRequest) }
            let answer: TokenResponse
            if let quotas {
                let category: QuotaCategory = form["grant_type"] == "client_credentials" ? .clientAuthentication : .userAuthentication
                do {
                    guard try await quotas.admits(category, region: region) else { return QuotaRefusal.json }
                } catch {
                    return Self.error(OAuthError.serverFailure(error))
                }
            }
            do {
                answer = try await tokens.exchange(form, basic: basic, host: request.head.authority)
            } catch let error as OAuthError {
                return Self.error(error)
            } catch {
                return Self.error(OAuthError.serverFailure(error))
            }
            return Self.json(try Self.body(answer), status: .ok)
        }
    }

    func addRevocationAndUserInfo(to router: Router<some RequestContext>) {
        router.post("/oauth2/revoke") { request, _ -> Response in
            guard let (form, basic) = await Self.form(request) else { return Self.error(.invalidRequest) }
            do {
                try await tokens.revoke(form, basic: basic, host: request.head.authority)
            } catch let error as OAuthError {
                return Self.error(error)
            } catch {
                return Self.error(OAuthError.serverFailure(error))
            }
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/oauth2/userInfo", method: method) { request, _ -> Response in
                guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
                    return Self.userInfoError(400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint")
                }
                let answer: [String: String]?
                do {
                    answer = try await userInfo.claims(accessToken: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
                } catch {
                    // Not knowing is not "invalid": an application signs its user out on invalid_token.
                    let failure = OAuthError.serverFailure(error)
                    return Self.userInfoError(failure.status, failure.code, "The server cannot answer now; try again.")
                }
                guard let claims = answer else {
                    return Self.userInfoError(
                        401, "invalid_token", "Access token is expired, disabled, or deleted, or the user has globally signed out.")
                }
                let data = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes])
                var response = Self.json(data, status: .ok)
                response.headers[.cacheControl] = "no-cache, no-store, max-age=0, must-revalidate"
                return response
            }
        }
    }

    /// The form of an OAuth request and its Basic credentials; nil when either is malformed, the body is
    /// not a form, or it is too large.
    static func form(_ request: Request) async -> ([String: String], (id: String, secret: String)?)? {
        var request = request
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true,
            let body = try? await request.collectBody(upTo: maxFormSize),
            let form = FormBody.parse(Array(body.readableBytesView)),
            let basic = FormBody.basicCredentials(request.headers[.authorization])
        else { return nil }
        return (form, basic)
    }

    static func userInfoError(_ status: Int, _ error: String, _ description: String) -> Response {
        var response = json(Data(#"{"error":"\#(error)","error_description":"\#(description)"}"#.utf8), status: .init(code: status))
        response.headers[.wwwAuthenticate] = #"Bearer error="\#(error)", error_description="\#(description)""#
        return response
    }

    static func body(_ response: TokenResponse) throws -> Data {
        var object: [String: Any] = [
            "access_token": response.accessToken, "expires_in": response.expiresIn, "token_type": response.tokenType,
        ]
        if let id = response.idToken { object["id_token"] = id }
        if let refresh = response.refreshToken { object["refresh_token"] = refresh }
        if let issued = response.issuedTokenType { object["issued_token_type"] = issued }
        if let scope = response.scope { object["scope"] = scope }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static func error(_ error: OAuthError) -> Response {
        var object = ["error": error.code]
        if let description = error.description { object["error_description"] = description }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var response = json(data, status: HTTPResponse.Status(code: error.status))
        if error.status == 401 { response.headers[.wwwAuthenticate] = "Basic realm=\"cognate\"" }
        return response
    }

    /// Token answers are never cached (RFC 6749 §5.1).
    static func json(_ data: Data, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json;charset=UTF-8", .cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
