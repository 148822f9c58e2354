import CognateCrypto
import CognateServices
import CognateStorage
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird

/// `/oauth2/authorize`, the sign-in page `/login`, `/logout` and `/error`, on Cognate's own address for
/// every pool (the pool is the client's). Forms are protected by a CSRF token in a SameSite cookie and a
/// hidden field that must match it.
struct ManagedLoginEndpoints {
    let login: ManagedLogin
    let pages: Pages
    let random: any RandomSource
    /// Under HTTPS the cookies are Secure.
    let secure: Bool

    func add(to router: Router<some RequestContext>) {
        router.get("/oauth2/authorize") { request, _ -> Response in
            let (query, raw) = Self.query(request)
            guard let query else { return Self.redirect("/error?error=invalid_request") }
            switch try await login.check(query, host: request.head.authority) {
            case .failure(let failure):
                return refuse(failure)
            case .success(let authorize):
                // prompt=none shows no page: the live session's user, or login_required.
                if authorize.silent {
                    guard
                        let (user, authTime) = try await login.reusableSession(
                            cookie: Cookies.value(Cookies.session, in: request), for: authorize)
                    else { return Self.redirect(authorize.errorRedirect("login_required")) }
                    return Self.redirect(
                        try await login.complete(authorize, user: user, authTime: authTime, cookie: Cookies.value(Cookies.session, in: request)))
                }
                // A request that names a provider goes straight there.
                if let (name, identifier) = FederatedSignIn.requestedProvider(query) {
                    return try await toProvider(request, authorize, query: query, name: name, identifier: identifier)
                }
                if !authorize.forcesLogin,
                    let (user, authTime) = try await login.reusableSession(
                        cookie: Cookies.value(Cookies.session, in: request), for: authorize)
                {
                    return Self.redirect(
                        try await login.complete(authorize, user: user, authTime: authTime, cookie: Cookies.value(Cookies.session, in: request)))
                }
                return Self.redirect("/login?" + raw)
            }
        }
        // AWS's authorize endpoint takes GET only.
        router.post("/oauth2/authorize") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.allow] = "GET"
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .methodNotAllowed, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "The authorize endpoint takes GET requests only.\n")))
        }
        router.get("/login") { request, _ -> Response in
            if let query = Self.query(request).parameters, let (name, identifier) = FederatedSignIn.requestedProvider(query),
                case .success(let authorize) = try await login.check(query, host: request.head.authority)
            {
                return try await toProvider(request, authorize, query: query, name: name, identifier: identifier)
            }
            return try await page(request) { authorize, raw in
                loginForm(authorize, raw: raw, emailRouting: try await login.federation.routesByEmail(authorize))
            }
        }
        // The email box of the login page: the domain of the address finds the provider.
        router.post("/login/federate") { request, _ -> Response in
            let (authorize, raw, form): (AuthorizeRequest, String, [String: String])
            switch try await posted(request) {
            case .failure(let refusal): return refusal.response
            case .success(let checked): (authorize, raw, form) = checked
            }
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let name = try await login.federation.provider(forEmail: email, authorize),
                let query = Self.query(request).parameters
            else {
                return loginForm(authorize, raw: raw, error: "No identity provider signs in users of that email domain.", emailRouting: true)
            }
            return try await toProvider(request, authorize, query: query, name: name, identifier: nil)
        }
        // An identity provider's answer to a sign-in Cognate sent there.
        router.get("/oauth2/idpresponse") { request, _ -> Response in
            guard let query = Self.query(request).parameters else { return Self.redirect("/error?error=invalid_request") }
            return try await federated(query, request)
        }
        // Providers that answer with response_mode=form_post (Sign in with Apple) post the same parameters. The
        // state, single-use and bound to the sign-in, is what protects this form, as OAuth's form_post intends.
        router.post("/oauth2/idpresponse") { request, _ -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: 64 * 1024), let form = FormBody.parse(Array(body.readableBytesView)) else {
                return Self.redirect("/error?error=invalid_request")
            }
            return try await federated(form, request)
        }
        // A SAML identity provider's response (POST binding): SP-initiated, or IdP-initiated where IDPInit allows.
        // Like form_post above, the response's own checks (signature, InResponseTo bound to the sign-in, one
        // use) protect it, not a CSRF token.
        router.post("/saml2/idpresponse") { request, _ -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: 256 * 1024), let form = FormBody.parse(Array(body.readableBytesView)) else {
                return pages.message(title: "Sign in", "Invalid samlResponse or relayState from identity provider", status: .badRequest)
            }
            return try await federated(login.saml.finish(form, binding: Cookies.value(BrowserBinding.cookie, in: request)))
        }
        // The identity provider's answer to single logout.
        router.post("/saml2/logout") { request, _ -> Response in
            var request = request
            guard let body = try? await request.collectBody(upTo: 256 * 1024), let form = FormBody.parse(Array(body.readableBytesView)) else {
                return pages.message(title: "Sign out", "Invalid samlResponse or relayState from identity provider", status: .badRequest)
            }
            return samlLoggedOut(try await login.samlLogout.finish(form, rawQuery: nil))
        }
        router.get("/saml2/logout") { request, _ -> Response in
            let (query, raw) = Self.query(request)
            guard let query else {
                return pages.message(title: "Sign out", "Invalid samlResponse or relayState from identity provider", status: .badRequest)
            }
            return samlLoggedOut(try await login.samlLogout.finish(query, rawQuery: raw))
        }
        router.post("/login") { request, _ -> Response in
            let (authorize, raw, form): (AuthorizeRequest, String, [String: String])
            switch try await posted(request) {
            case .failure(let refusal): return refusal.response
            case .success(let checked): (authorize, raw, form) = checked
            }
            let username = String((form["username"] ?? "").prefix(128))
            if authorize.choiceBased && form["password"] == nil {
                // Choice-based sign-in: the username first, then the user's factors.
                guard !username.isEmpty else { return loginForm(authorize, raw: raw, error: "Enter your username.") }
                let outcome = try await login.startChoice(authorize, username: username)
                if case .failed(let message) = outcome { return loginForm(authorize, raw: raw, username: username, error: message) }
                return try await proceed(outcome, authorize, raw: raw)
            }
            let password = String((form["password"] ?? "").prefix(256))
            guard !username.isEmpty, !password.isEmpty else {
                return loginForm(authorize, raw: raw, username: username, error: "Enter your username and password.")
            }
            let outcome = try await login.signIn(authorize, username: username, password: password)
            if case .failed(let message) = outcome { return loginForm(authorize, raw: raw, username: username, error: message) }
            return try await proceed(outcome, authorize, raw: raw)
        }
        router.post("/login/challenge") { request, _ -> Response in
            let (authorize, raw, form): (AuthorizeRequest, String, [String: String])
            switch try await posted(request) {
            case .failure(let refusal): return refusal.response
            case .success(let checked): (authorize, raw, form) = checked
            }
            guard
                var step = PageChallenge(
                    kind: form["challenge"] ?? "", session: form["session"] ?? "", username: form["username"] ?? "",
                    secret: form["secret"])
            else { return loginForm(authorize, raw: raw, error: "Your sign-in form expired. Please sign in again.", status: .forbidden) }
            step.restoreSetupURI(issuer: authorize.pool.name)
            step.restoreRequiredAttributes(form["requiredAttributes"], pool: authorize.pool)
            var attributes: [String: String] = [:]
            for name in step.requiredAttributes { attributes[name] = String((form["userAttributes." + name] ?? "").prefix(2_048)) }
            // A passkey's credential is a JSON document of a few kilobytes; every other answer is short.
            let answer = String((form["answer"] ?? "").prefix(step.kind == .webAuthn ? 16_384 : 256))
            let outcome = try await login.answer(authorize, step: step, value: answer, attributes: attributes)
            if case .failed(let message) = outcome, [.password, .webAuthn, .selectChallenge].contains(step.kind) {
                // These answers use up the sign-in session: the user starts again from the username.
                return loginForm(authorize, raw: raw, username: step.username, error: message)
            }
            if case .failed(let message) = outcome {
                // A wrong code or a refused password may be tried again while the sign-in session lasts.
                return challengeForm(step, authorize, raw: raw, error: message)
            }
            return try await proceed(outcome, authorize, raw: raw)
        }
        addAccountPages(to: router)
        addPasskeyPages(to: router)
        addFeedbackPages(to: router)
        router.get("/logout") { request, _ -> Response in
            let (query, _) = Self.query(request)
            guard let query, query["client_id"] != nil else {
                return pages.message(title: "Sign out", "Missing required parameter client_id in request URL", status: .badRequest)
            }
            guard let target = try await login.logoutTarget(query) else {
                return pages.message(
                    title: "Sign out", "The sign-out request names no registered logout_uri, nor a redirect_uri with a response_type.",
                    status: .badRequest)
            }
            // A session a SAML provider signed in, with IDPSignout: the provider signs the user out first.
            let cookie = Cookies.value(Cookies.session, in: request)
            let singleLogout = try await login.samlLogout.start(cookie: cookie, target: target)
            try await login.endSession(cookie: cookie)
            var response = Self.redirect(singleLogout ?? target)
            response.headers[.setCookie] = Cookies.clear(Cookies.session, secure: secure)
            return response
        }
        router.get("/ui/:poolId/:clientId/:version/logo") { _, context -> Response in
            guard let poolID = context.parameters.get("poolId"), let clientID = context.parameters.get("clientId"),
                let version = context.parameters.get("version"),
                let (image, type) = try await login.logo(poolID: poolID, clientID: clientID, version: version)
            else { return pages.message(title: "Not found", "There is no such image.", status: .notFound) }
            return Response(
                status: .ok,
                headers: [.contentType: type, .cacheControl: "public, max-age=86400", HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                body: .init(byteBuffer: ByteBuffer(bytes: image)))
        }
        router.get("/managed-login/assets/:poolId/:brandingId/:version/:category/:mode") { _, context -> Response in
            guard let poolID = context.parameters.get("poolId"), let brandingID = context.parameters.get("brandingId"),
                let category = context.parameters.get("category"), let mode = context.parameters.get("mode"),
                let (bytes, type) = try await login.brandingAsset(poolID: poolID, brandingID: brandingID, category: category, colorMode: mode)
            else { return pages.message(title: "Not found", "There is no such image.", status: .notFound) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: type, .cacheControl: "public, max-age=86400", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                    // An SVG opened on its own runs nothing.
                    HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/error") { request, _ -> Response in
            let (query, _) = Self.query(request)
            let error = String((query?["error"] ?? "").prefix(64))
            return pages.message(
                title: "Error", "An error was encountered with the requested page.", detail: error.isEmpty ? nil : error,
                status: .badRequest)
        }
    }

    /// The browser goes to the identity provider, carrying the cookie that binds the sign-in to it.
    func toProvider(_ request: Request, _ authorize: AuthorizeRequest, query: [String: String], name: String?, identifier: String?) async throws
        -> Response
    {
        let existing = BrowserBinding.valid(Cookies.value(BrowserBinding.cookie, in: request))
        let binding = existing ?? BrowserBinding.make(random)
        var response = Self.redirect(try await login.federation.start(authorize, query: query, name: name, identifier: identifier, binding: binding))
        if existing == nil {
            // Cross-site POSTs (SAML's POST binding, form_post) carry it only as SameSite=None, which needs Secure.
            response.headers[.setCookie] =
                "\(BrowserBinding.cookie)=\(binding); Path=/; Max-Age=\(Int(FederationState.lifetime) * 4); HttpOnly; "
                + (secure ? "SameSite=None; Secure" : "SameSite=Lax")
        }
        return response
    }

    /// A provider's answer: the user signed in and sent back to the client, or the error.
    func federated(_ parameters: [String: String], _ request: Request) async throws -> Response {
        try await federated(
            try await login.federation.finish(
                parameters, host: request.head.authority, binding: Cookies.value(BrowserBinding.cookie, in: request)))
    }

    func federated(_ outcome: FederatedSignIn.Outcome) async throws -> Response {
        switch outcome {
        case .signedIn(let authorize, let user, let saml):
            return try await signedIn(user, authorize, saml: saml)
        case .redirect(let target):
            return Self.redirect(target)
        case .errorPage(let error):
            return Self.redirect("/error?error=" + OAuthRedirect.escape(error))
        }
    }

    /// What follows a step that did not fail: the next step's page, or the way back to the client.
    func proceed(_ outcome: ManagedLogin.SignInOutcome, _ authorize: AuthorizeRequest, raw: String) async throws -> Response {
        switch outcome {
        case .failed(let message):
            return loginForm(authorize, raw: raw, error: message)
        case .challenge(let step):
            return challengeForm(step, authorize, raw: raw)
        case .needsAnotherStep(let message):
            return pages.message(title: "Sign in", message, poolName: authorize.pool.name, branding: authorize.branding, status: .ok)
        case .signedIn(let user):
            return try await signedIn(user, authorize)
        }
    }

    /// The user is signed in: a session cookie, and the way back to the client.
    func signedIn(_ user: User, _ authorize: AuthorizeRequest, saml: SAMLSession? = nil) async throws -> Response {
        let now = login.now()
        let session = try await login.startSession(user: user, authTime: now, saml: saml, for: authorize)
        var response = Self.redirect(try await login.complete(authorize, user: user, authTime: now, cookie: session))
        response.headers[values: .setCookie] = [
            Cookies.set(Cookies.session, session, maxAge: Int(LoginSession.lifetime), secure: secure),
            Cookies.clear(Cookies.csrf, secure: secure),
        ]
        return response
    }

    func samlLoggedOut(_ outcome: SAMLLogout.Outcome) -> Response {
        switch outcome {
        case .redirect(let target): Self.redirect(target)
        case .refused(let message): pages.message(title: "Sign out", message, status: .badRequest)
        }
    }

    func challengeForm(_ step: PageChallenge, _ authorize: AuthorizeRequest, raw: String, error: String? = nil) -> Response {
        let csrf = newCSRF()
        if step.kind == .webAuthn {
            return pages.passkey(
                title: "Sign in with a passkey", intro: "Use the passkey of \(step.username) on this device or a security key.",
                poolName: authorize.pool.name, action: "/login/challenge?" + raw, csrf: csrf.token, ceremony: "get",
                options: step.passkeyOptions ?? "{}", button: "Sign in with passkey", step: step, error: error, branding: authorize.branding,
                headers: csrf.headers, nonce: Base64URL.encode(random.bytes(18)))
        }
        return pages.challenge(
            step, poolName: authorize.pool.name, action: "/login/challenge?" + raw, csrf: csrf.token, error: error, branding: authorize.branding,
            headers: csrf.headers)
    }

    /// The sign-in form, with a fresh CSRF token in its cookie and its hidden field.
    func loginForm(
        _ authorize: AuthorizeRequest, raw: String, username: String = "", error: String? = nil, info: String? = nil,
        status: HTTPResponse.Status = .ok, emailRouting: Bool = false
    ) -> Response {
        let csrf = newCSRF()
        return pages.login(
            federateAction: emailRouting ? "/login/federate?" + raw : nil,
            poolName: authorize.pool.name, action: "/login?" + raw, csrf: csrf.token, username: username, error: error, info: info,
            forgotLink: "/forgotPassword?" + raw, signUpLink: login.allowsSignUp(authorize) ? "/signup?" + raw : nil,
            usernameOnly: authorize.choiceBased,
            providers: Self.providers(authorize).map { ($0, "/oauth2/authorize?" + raw + "&identity_provider=" + OAuthRedirect.escape($0)) },
            showForm: authorize.client.settings.supportedIdentityProviders?.contains("COGNITO") != false,
            metadataClient: authorize.metadataClient, branding: authorize.branding, status: status, headers: csrf.headers)
    }

    /// A fresh CSRF token and the cookie that carries it.
    func newCSRF() -> (token: String, headers: HTTPFields) {
        let token = Base64URL.encode(random.bytes(32))
        return (token, [.setCookie: Cookies.set(Cookies.csrf, token, maxAge: 3_600, secure: secure)])
    }

    /// The checked authorize request and form of a POST from one of the pages, or the response that refuses it.
    func posted(_ request: Request) async throws -> Result<(authorize: AuthorizeRequest, raw: String, form: [String: String]), Refusal> {
        var request = request
        let (query, raw) = Self.query(request)
        guard let query else { return .failure(Refusal(response: Self.redirect("/error?error=invalid_request"))) }
        let authorize: AuthorizeRequest
        switch try await login.check(query, host: request.head.authority) {
        case .failure(let failure): return .failure(Refusal(response: refuse(failure)))
        case .success(let checked): authorize = checked
        }
        guard let body = try? await request.collectBody(upTo: 64 * 1024), let form = FormBody.parse(Array(body.readableBytesView)),
            let token = form["_csrf"], let cookie = Cookies.value(Cookies.csrf, in: request), !token.isEmpty,
            ConstantTime.equal(Array(token.utf8), Array(cookie.utf8))
        else {
            return .failure(Refusal(response: loginForm(authorize, raw: raw, error: "Your form expired. Please try again.", status: .forbidden)))
        }
        return .success((authorize, raw, form))
    }

    struct Refusal: Error {
        let response: Response
    }

    /// The query's parameters (nil when one is given twice or is not decodable) and its raw text.
    static func query(_ request: Request) -> (parameters: [String: String]?, raw: String) {
        let raw = request.uri.query ?? ""
        guard raw.utf8.count <= 16 * 1024 else { return (nil, raw) }
        return (FormBody.parse(Array(raw.utf8)), raw)
    }

    func refuse(_ failure: AuthorizeFailure) -> Response {
        switch failure {
        case .noBrandingStyle(let clientID):
            return pages.message(
                title: "Sign in",
                "The managed login pages of app client \(clientID) have no branding style. Create one with "
                    + "CreateManagedLoginBranding (UseCognitoProvidedValues gives Cognito's defaults), or set the domain's "
                    + "ManagedLoginVersion to 1 for the classic pages.",
                status: .badRequest)
        case .errorPage(let error, let clientID):
            var target = "/error?error=" + OAuthRedirect.escape(error)
            if let clientID { target += "&client_id=" + OAuthRedirect.escape(clientID) }
            return Self.redirect(target)
        case .regionUnavailable(let reason):
            return pages.message(title: "Sign in", reason, status: .serviceUnavailable)
        case .clientMetadata(let reason):
            // Shown here rather than through /error's query, so that no link can make Cognate's page say
            // what its author wants.
            return pages.message(
                title: "Error", "An error was encountered with the requested page.", detail: "invalid_client: " + reason, status: .badRequest)
        case .redirect(let target):
            return Self.redirect(target)
        }
    }

    /// The identity providers the client offers besides the pool's own sign-in.
    static func providers(_ authorize: AuthorizeRequest) -> [String] {
        (authorize.client.settings.supportedIdentityProviders ?? []).filter { $0 != "COGNITO" }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }
}
