import CognateQRCode
import CognateServices
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the managed login pages and gives every page the headers that keep it safe: never framed by
/// another site, never cached, no script at all.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        // The templates are constants of this program: failing to parse one is a bug found by every test.
        try! library.register(PageTemplates.layout, named: "layout")
        try! library.register(PageTemplates.login, named: "login")
        try! library.register(PageTemplates.message, named: "message")
        try! library.register(PageTemplates.challenge, named: "challenge")
        try! library.register(PageTemplates.form, named: "form")
        try! library.register(PageTemplates.passkey, named: "passkey")
        try! library.register(PageTemplates.home, named: "home")
        self.library = library
    }

    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    ]

    /// The policy of a page that runs the one script it names by nonce (the passkey pages).
    static func policy(scriptNonce: String) -> String {
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'nonce-\(scriptNonce)'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    func render(
        _ template: String, _ values: [String: Any], branding: PageBranding? = nil, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:],
        scriptNonce: String? = nil
    ) -> Response {
        var values = values
        if let branding {
            var shown: [String: Any] = [:]
            if let css = branding.css, !css.isEmpty { shown["css"] = css }
            if let logo = branding.logoPath { shown["logoPath"] = logo }
            if let theme = branding.themeCSS { shown["themeCSS"] = theme }
            if let background = branding.backgroundPath { shown["backgroundPath"] = background }
            if let favicon = branding.faviconPath, let type = branding.faviconType {
                shown["faviconPath"] = favicon
                shown["faviconType"] = type
            }
            values["branding"] = shown
        }
        let html = library.render(values, withTemplate: template) ?? ""
        var all = Self.securityHeaders
        if let scriptNonce { all[HTTPField.Name("Content-Security-Policy")!] = Self.policy(scriptNonce: scriptNonce) }
        all.append(contentsOf: headers)
        return Response(status: status, headers: all, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The sign-in form; `usernameOnly` for choice-based sign-in, whose next page offers the factors.
    func login(
        federateAction: String? = nil, poolName: String, action: String, csrf: String, username: String = "", error: String? = nil,
        info: String? = nil,
        forgotLink: String, signUpLink: String?, usernameOnly: Bool = false, providers: [(name: String, link: String)] = [],
        showForm: Bool = true, metadataClient: MetadataClientName? = nil, branding: PageBranding? = nil, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var values: [String: Any] = [
            "title": "Sign in", "poolName": poolName, "action": action, "csrf": csrf, "username": username, "forgotLink": forgotLink,
            "usernameOnly": usernameOnly, "button": usernameOnly ? "Next" : "Sign in", "showForm": showForm,
            "hasProviders": !providers.isEmpty || federateAction != nil, "providers": providers.map { ["name": $0.name, "link": $0.link] },
        ]
        if let federateAction { values["federateAction"] = federateAction }
        if let error { values["error"] = error }
        if let info { values["info"] = info }
        if let signUpLink { values["signUpLink"] = signUpLink }
        if let metadataClient {
            var client: [String: Any] = ["host": metadataClient.host]
            if let name = metadataClient.clientName, !name.isEmpty { client["clientName"] = name }
            values["metadataClient"] = client
        }
        return render("login", values, branding: branding, status: status, headers: headers)
    }

    /// A form field for a user attribute: its label, input type and autocomplete token.
    static func attributeField(_ name: String) -> [String: Any] {
        let known: [String: (label: String, type: String, autocomplete: String)] = [
            "email": ("Email", "email", "email"), "phone_number": ("Phone number", "tel", "tel"), "name": ("Name", "text", "name"),
            "given_name": ("Given name", "text", "given-name"), "family_name": ("Family name", "text", "family-name"),
            "middle_name": ("Middle name", "text", "additional-name"), "nickname": ("Nickname", "text", "nickname"),
            "preferred_username": ("Preferred username", "text", "username"), "address": ("Address", "text", "street-address"),
            "birthdate": ("Birthdate", "text", "bday"), "gender": ("Gender", "text", "sex"), "locale": ("Locale", "text", "language"),
            "picture": ("Picture", "url", "photo"), "profile": ("Profile", "url", "url"), "website": ("Website", "url", "url"),
            "zoneinfo": ("Time zone", "text", "off"),
        ]
        let field =
            known[name]
            ?? {
                let bare = name.hasPrefix("custom:") ? String(name.dropFirst("custom:".count)) : name
                let words = bare.replacingOccurrences(of: "_", with: " ")
                return (words.prefix(1).uppercased() + words.dropFirst(), "text", "off")
            }()
        let id = String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return ["name": name, "id": id, "label": field.label, "type": field.type, "autocomplete": field.autocomplete]
    }

    /// The page of a step after the password.
    func challenge(
        _ step: PageChallenge, poolName: String, action: String, csrf: String, error: String? = nil,
        branding: PageBranding? = nil, headers: HTTPFields = [:]
    ) -> Response {
        var values: [String: Any] = [
            "poolName": poolName, "action": action, "csrf": csrf, "challenge": step.kind.rawValue, "session": step.session,
            "username": step.username, "inputType": "text", "autocomplete": "one-time-code", "numeric": true, "button": "Continue",
        ]
        if let error { values["error"] = error }
        values["hasChoices"] = !step.choices.isEmpty
        let factors = ["SOFTWARE_TOKEN_MFA": "Authenticator app", "SMS_MFA": "Text message (SMS)", "EMAIL_OTP": "Email"]
        let firstFactors = [
            "PASSWORD": "Password", "WEB_AUTHN": "Passkey", "EMAIL_OTP": "A code by email", "SMS_OTP": "A code by text message (SMS)",
        ]
        switch step.kind {
        case .newPassword:
            values.merge([
                "title": "Change password", "intro": "You must choose a new password to continue.", "label": "New password",
                "inputType": "password", "autocomplete": "new-password", "numeric": false, "button": "Change password",
            ]) { $1 }
            if !step.requiredAttributes.isEmpty {
                // The required attributes the account has no value for yet are asked for with the password.
                values["intro"] = "Choose a new password, and fill in the details your account still needs."
                values["requiredNames"] = step.requiredAttributes.joined(separator: " ")
                values["attributes"] = step.requiredAttributes.enumerated().map { index, name in
                    Self.attributeField(name).merging(["first": index == 0]) { $1 }
                }
            }
        case .softwareToken:
            values.merge([
                "title": "Multi-factor authentication", "intro": "Enter the six-digit code from your authenticator app.",
                "label": "Code",
            ]) { $1 }
        case .selectChallenge:
            values.merge([
                "title": "Sign in", "intro": "Choose how to sign in as \(step.username).", "label": "Sign-in option",
                "choices": step.choices.map { ["value": $0, "text": firstFactors[$0] ?? $0] },
            ]) { $1 }
        case .password:
            values.merge([
                "title": "Sign in", "intro": "Enter the password of \(step.username).", "label": "Password", "inputType": "password",
                "autocomplete": "current-password", "numeric": false, "button": "Sign in",
            ]) { $1 }
        case .webAuthn:
            // Rendered by `passkey`; a plain code field would be no use.
            values.merge(["title": "Sign in with a passkey", "intro": "", "label": "Passkey"]) { $1 }
        case .smsCode, .sms, .email:
            values.merge([
                "title": "Multi-factor authentication", "intro": "We sent a code to \(step.destination ?? "you"). Enter it below.",
                "label": "Code",
            ]) { $1 }
        case .mfaSetup:
            values.merge([
                "title": "Set up an authenticator app",
                "intro": "Scan the QR code with an authenticator app, or type the key into it. Then enter the six-digit code the app shows.",
                "label": "Code", "button": "Verify and sign in",
            ]) { $1 }
            if let secret = step.secret {
                // Grouped in fours so that it can be typed.
                values["secret"] = secret
                values["secretGroups"] = stride(from: 0, to: secret.count, by: 4).map { start in
                    String(secret.dropFirst(start).prefix(4))
                }.joined(separator: " ")
            }
            if let uri = step.setupURI, let code = try? QRCode(uri) {
                values["qrImage"] = "data:image/svg+xml;base64," + Data(code.svg(label: "QR code").utf8).base64EncodedString()
            }
        case .selectFactor:
            values.merge([
                "title": "Multi-factor authentication", "intro": "Choose how to confirm it is you.", "label": "Method",
                "choices": step.choices.map { ["value": $0, "text": factors[$0] ?? $0] },
            ]) { $1 }
        }
        return render("challenge", values, branding: branding, headers: headers)
    }

    /// A passkey ceremony: the browser signs in with a passkey (`get`) or makes one (`create`) from the
    /// options, and the page posts the credential. Its script runs by nonce; nothing else may.
    func passkey(
        title: String, intro: String, poolName: String, action: String, csrf: String, ceremony: String, options: String, button: String,
        step: PageChallenge? = nil, error: String? = nil, branding: PageBranding? = nil, headers: HTTPFields = [:], nonce: String
    ) -> Response {
        var values: [String: Any] = [
            "title": title, "intro": intro, "poolName": poolName, "action": action, "csrf": csrf, "ceremony": ceremony, "options": options,
            "button": button, "nonce": nonce,
        ]
        if let step { values["step"] = ["challenge": step.kind.rawValue, "session": step.session, "username": step.username] }
        if let error { values["error"] = error }
        return render("passkey", values, branding: branding, headers: headers, scriptNonce: nonce)
    }

    /// One field of a form page.
    struct Field {
        var name: String
        var label: String
        var type = "text"
        var autocomplete = "off"
        var value = ""

        var values: [String: Any] { ["name": name, "label": label, "type": type, "autocomplete": autocomplete, "value": value] }
    }

    /// A form page: sign-up, confirmation, password reset. `extra` is a second button posting the hidden
    /// values to `extraAction` (resending a code).
    func form(
        title: String, poolName: String, action: String, csrf: String, fields: [Field], hidden: [String: String] = [:],
        button: String, error: String? = nil, info: String? = nil, links: [(href: String, text: String)] = [],
        extra: (action: String, text: String)? = nil, branding: PageBranding? = nil, headers: HTTPFields = [:]
    ) -> Response {
        var values: [String: Any] = [
            "title": title, "poolName": poolName, "action": action, "csrf": csrf, "button": button,
            "fields": fields.map(\.values), "hidden": hidden.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            "links": links.map { ["href": $0.href, "text": $0.text] },
        ]
        if let error { values["error"] = error }
        if let info { values["info"] = info }
        if let extra {
            values["extra"] = extra.text
            values["extraAction"] = extra.action
        }
        return render("form", values, branding: branding, headers: headers)
    }

    func message(
        title: String, _ message: String, detail: String? = nil, poolName: String = "", branding: PageBranding? = nil, status: HTTPResponse.Status
    ) -> Response {
        var values: [String: Any] = ["title": title, "message": message, "poolName": poolName]
        if let detail { values["detail"] = detail }
        return render("message", values, branding: branding, status: status)
    }

    /// `GET /` for a browser: what this server is and where its pages and endpoints are.
    func home(base: String, consolePath: String?, testEndpoints: Bool) -> Response {
        var values: [String: Any] = ["title": "Cognate", "base": base]
        if let consolePath { values["console"] = consolePath }
        if testEndpoints { values["testEndpoints"] = true }
        return render("home", values)
    }
}
