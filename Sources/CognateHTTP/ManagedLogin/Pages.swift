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

    func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let html = library.render(values, withTemplate: template) ?? ""
        var all = Self.securityHeaders
        all.append(contentsOf: headers)
        return Response(status: status, headers: all, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func login(poolName: String, action: String, csrf: String, username: String = "", error: String? = nil,
               status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var values: [String: Any] = ["title": "Sign in", "poolName": poolName, "action": action, "csrf": csrf, "username": username]
        if let error { values["error"] = error }
        return render("login", values, status: status, headers: headers)
    }

    func message(title: String, _ message: String, detail: String? = nil, poolName: String = "", status: HTTPResponse.Status) -> Response {
        var values: [String: Any] = ["title": title, "message": message, "poolName": poolName]
        if let detail { values["detail"] = detail }
        return render("message", values, status: status)
    }
}
