import CognateCrypto
import CognateServices
import CognateStorage
import Foundation
import HTTPTypes
import Hummingbird

/// `/passkeys/add`: a user signed in to managed login (version 2) registers a passkey for the pool, then
/// goes back to the client's redirect URI. It takes `client_id` and `redirect_uri` (a registered callback);
/// without a session, the user signs in first.
extension ManagedLoginEndpoints {
    func addPasskeyPages(to router: Router<some RequestContext>) {
        router.get("/passkeys/add") { request, _ -> Response in
            try await passkeyPage(request) { authorize, raw, user in
                try await passkeyForm(authorize, raw: raw, user: user)
            }
        }
        router.post("/passkeys/add") { request, _ -> Response in
            let (authorize, raw, form): (AuthorizeRequest, String, [String: String])
            switch try await posted(request) {
            case .failure(let refusal): return refusal.response
            case .success(let checked): (authorize, raw, form) = checked
            }
            guard authorize.managedLoginVersion == 2 else { return Self.needsManagedLogin(pages) }
            guard let (user, _) = try await login.sessionUser(cookie: Cookies.value(Cookies.session, in: request), pool: authorize.pool) else {
                return Self.redirect("/login?" + raw)
            }
            let credential = String((form["answer"] ?? "").prefix(16_384))
            switch try await login.addPasskey(authorize, user: user, credential: credential) {
            case .failure(let error): return try await passkeyForm(authorize, raw: raw, user: user, error: error.message)
            case .success: return Self.redirect(authorize.redirectURI)
            }
        }
    }

    /// The request's parameters as the other pages take them: `response_type=code` is implied.
    private func passkeyPage(
        _ request: Request, _ render: (AuthorizeRequest, String, User) async throws -> Response
    ) async throws -> Response {
        let (query, given) = Self.query(request)
        guard var parameters = query else { return Self.redirect("/error?error=invalid_request") }
        var raw = given
        if parameters["response_type"] == nil {
            parameters["response_type"] = "code"
            raw += (raw.isEmpty ? "" : "&") + "response_type=code"
        }
        switch try await login.check(parameters, host: request.head.authority) {
        case .failure(let failure):
            return refuse(failure)
        case .success(let authorize):
            guard authorize.managedLoginVersion == 2 else { return Self.needsManagedLogin(pages) }
            guard let (user, _) = try await login.sessionUser(cookie: Cookies.value(Cookies.session, in: request), pool: authorize.pool) else {
                return Self.redirect("/login?" + raw)
            }
            return try await render(authorize, raw, user)
        }
    }

    static func needsManagedLogin(_ pages: Pages) -> Response {
        pages.message(
            title: "Add a passkey", "Passkeys are added on the managed login pages: the domain's ManagedLoginVersion must be 2.",
            status: .badRequest)
    }

    func passkeyForm(_ authorize: AuthorizeRequest, raw: String, user: User, error: String? = nil) async throws -> Response {
        switch try await login.passkeyOptions(authorize, user: user) {
        case .failure(let failure):
            return pages.message(
                title: "Add a passkey", failure.message, poolName: authorize.pool.name, branding: authorize.branding,
                status: .badRequest)
        case .success(let options):
            let csrf = newCSRF()
            return pages.passkey(
                title: "Add a passkey", intro: "Create a passkey for \(user.username) with this device's authenticator or a security key.",
                poolName: authorize.pool.name, action: "/passkeys/add?" + raw, csrf: csrf.token, ceremony: "create", options: options,
                button: "Create a passkey", error: error, branding: authorize.branding, headers: csrf.headers,
                nonce: Base64URL.encode(random.bytes(18)))
        }
    }
}
