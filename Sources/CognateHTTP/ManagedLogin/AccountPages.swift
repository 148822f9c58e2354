import CognateServices
import CognateStorage
import Foundation
import HTTPTypes
import Hummingbird

/// The pages around sign-in, with the API's rules and words: `/signup`, `/confirm` (the sign-up code) with
/// `/resendcode`, `/forgotPassword` and `/confirmforgotPassword`. They take the authorize request's
/// parameters, so the user ends up signed in to the same client.
extension ManagedLoginEndpoints {
    func addAccountPages(to router: Router<some RequestContext>) {
        router.get("/signup") { request, _ -> Response in
            try await page(request) { authorize, raw in try await signUpForm(authorize, raw: raw) }
        }
        router.post("/signup") { request, _ -> Response in
            try await submitted(request) { authorize, raw, form in
                let username = value(form, "username")
                let email = value(form, "email")
                let password = value(form, "password", limit: 256)
                guard login.allowsSignUp(authorize) else {
                    return try await signUpForm(authorize, raw: raw, error: "SignUp is not permitted for this user pool")
                }
                switch try await login.signUp(authorize, username: username, password: password, email: email) {
                case .failure(let error):
                    return try await signUpForm(authorize, raw: raw, username: username, email: email, error: error.message)
                case .success(let destination):
                    guard let destination else {
                        return loginForm(authorize, raw: raw, info: "Your account was created. An administrator must confirm it before you sign in.")
                    }
                    return confirmForm(authorize, raw: raw, username: username, info: "We sent a code to \(destination).")
                }
            }
        }
        router.get("/confirm") { request, _ -> Response in
            try await page(request) { authorize, raw in confirmForm(authorize, raw: raw, username: "") }
        }
        router.post("/confirm") { request, _ -> Response in
            try await submitted(request) { authorize, raw, form in
                let username = value(form, "username")
                let code = value(form, "code", limit: 16)
                switch try await login.confirmSignUp(authorize, username: username, code: code) {
                case .failure(let error): return confirmForm(authorize, raw: raw, username: username, error: error.message)
                case .success: return loginForm(authorize, raw: raw, username: username, info: "Your account is confirmed. Sign in to continue.")
                }
            }
        }
        router.post("/resendcode") { request, _ -> Response in
            try await submitted(request) { authorize, raw, form in
                let username = value(form, "username")
                switch try await login.resendCode(authorize, username: username) {
                case .failure(let error): return confirmForm(authorize, raw: raw, username: username, error: error.message)
                case .success(let destination):
                    return confirmForm(authorize, raw: raw, username: username, info: "We sent a new code to \(destination ?? "you").")
                }
            }
        }
        router.get("/forgotPassword") { request, _ -> Response in
            try await page(request) { authorize, raw in forgotForm(authorize, raw: raw) }
        }
        router.post("/forgotPassword") { request, _ -> Response in
            try await submitted(request) { authorize, raw, form in
                let username = value(form, "username")
                switch try await login.forgotPassword(authorize, username: username) {
                case .failure(let error): return forgotForm(authorize, raw: raw, username: username, error: error.message)
                case .success(let destination):
                    return resetForm(authorize, raw: raw, username: username, info: "We sent a code to \(destination ?? "you").")
                }
            }
        }
        router.post("/confirmforgotPassword") { request, _ -> Response in
            try await submitted(request) { authorize, raw, form in
                let username = value(form, "username")
                let code = value(form, "code", limit: 16)
                let password = value(form, "password", limit: 256)
                switch try await login.confirmForgotPassword(authorize, username: username, code: code, password: password) {
                case .failure(let error): return resetForm(authorize, raw: raw, username: username, error: error.message)
                case .success: return loginForm(authorize, raw: raw, username: username, info: "Your password was changed. Sign in with it.")
                }
            }
        }
    }

    /// A GET page: the authorize request's parameters checked first.
    func page(_ request: Request, _ render: (AuthorizeRequest, String) async throws -> Response) async throws -> Response {
        let (query, raw) = Self.query(request)
        guard let query else { return Self.redirect("/error?error=invalid_request") }
        switch try await login.check(query, host: request.head.authority) {
        case .failure(let failure): return refuse(failure)
        case .success(let authorize): return try await render(authorize, raw)
        }
    }

    /// A POST from a page: parameters and CSRF token checked first.
    func submitted(
        _ request: Request, _ handle: (AuthorizeRequest, String, [String: String]) async throws -> Response
    ) async throws -> Response {
        switch try await posted(request) {
        case .failure(let refusal): return refusal.response
        case .success(let checked): return try await handle(checked.authorize, checked.raw, checked.form)
        }
    }

    func value(_ form: [String: String], _ name: String, limit: Int = 128) -> String {
        String((form[name] ?? "").trimmingCharacters(in: name == "password" ? [] : .whitespaces).prefix(limit))
    }

    func signUpForm(
        _ authorize: AuthorizeRequest, raw: String, username: String = "", email: String = "", error: String? = nil
    ) async throws -> Response {
        let csrf = newCSRF()
        var links: [(href: String, text: String)] = []
        if let terms = try await login.termsLinks(authorize) {
            links += [(terms.termsOfUse, "Terms of use"), (terms.privacy, "Privacy policy")]
        }
        return pages.form(
            title: "Sign up", poolName: authorize.pool.name, action: "/signup?" + raw, csrf: csrf.token,
            fields: [
                .init(name: "username", label: "Username", autocomplete: "username", value: username),
                .init(name: "email", label: "Email", type: "email", autocomplete: "email", value: email),
                .init(name: "password", label: "Password", type: "password", autocomplete: "new-password"),
            ],
            button: "Sign up", error: error, links: links + [("/login?" + raw, "Already have an account? Sign in")],
            branding: authorize.branding, headers: csrf.headers)
    }

    func confirmForm(_ authorize: AuthorizeRequest, raw: String, username: String, error: String? = nil, info: String? = nil) -> Response {
        let csrf = newCSRF()
        var fields: [Pages.Field] = []
        if username.isEmpty { fields.append(.init(name: "username", label: "Username", autocomplete: "username")) }
        fields.append(.init(name: "code", label: "Confirmation code", autocomplete: "one-time-code"))
        return pages.form(
            title: "Confirm your account", poolName: authorize.pool.name, action: "/confirm?" + raw, csrf: csrf.token, fields: fields,
            hidden: username.isEmpty ? [:] : ["username": username], button: "Confirm", error: error, info: info,
            extra: username.isEmpty ? nil : ("/resendcode?" + raw, "Send a new code"), branding: authorize.branding, headers: csrf.headers)
    }

    func forgotForm(_ authorize: AuthorizeRequest, raw: String, username: String = "", error: String? = nil) -> Response {
        let csrf = newCSRF()
        return pages.form(
            title: "Forgot your password?", poolName: authorize.pool.name, action: "/forgotPassword?" + raw, csrf: csrf.token,
            fields: [.init(name: "username", label: "Username", autocomplete: "username", value: username)],
            button: "Reset my password", error: error, info: "Enter your username and we will send you a code to reset your password.",
            links: [("/login?" + raw, "Back to sign in")], branding: authorize.branding, headers: csrf.headers)
    }

    func resetForm(_ authorize: AuthorizeRequest, raw: String, username: String, error: String? = nil, info: String? = nil) -> Response {
        let csrf = newCSRF()
        return pages.form(
            title: "Reset your password", poolName: authorize.pool.name, action: "/confirmforgotPassword?" + raw, csrf: csrf.token,
            fields: [
                .init(name: "code", label: "Code", autocomplete: "one-time-code"),
                .init(name: "password", label: "New password", type: "password", autocomplete: "new-password"),
            ],
            hidden: ["username": username], button: "Change password", error: error, info: info, branding: authorize.branding, headers: csrf.headers)
    }
}
