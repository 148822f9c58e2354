import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the admin console's pages, with the headers of the managed login pages: never framed, never
/// cached, no script.
struct ConsolePages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        // The templates are constants of this program: failing to parse one is a bug found by every test.
        for (name, template) in [
            ("layout", ConsoleTemplates.layout), ("facts", ConsoleTemplates.facts), ("table", ConsoleTemplates.table),
            ("home", ConsoleTemplates.home), ("pool", ConsoleTemplates.pool), ("client", ConsoleTemplates.client),
            ("user", ConsoleTemplates.user), ("outbox", ConsoleTemplates.outbox), ("signIn", ConsoleTemplates.signIn),
            ("message", ConsoleTemplates.message),
        ] {
            try! library.register(template, named: name)
        }
        self.library = library
    }

    /// What every page of one request shares: the CSRF token (and the cookie that sets it, when new), who
    /// is signed in, and whether the outbox exists.
    struct Frame {
        var csrf: String
        var headers: HTTPFields
        var administrator: String?
        var showOutbox: Bool
    }

    /// One link of the breadcrumb trail.
    struct Crumb {
        var text: String
        var href: String
    }

    func render(
        _ template: String, title: String, frame: Frame, crumbs: [Crumb] = [], values: [String: Any] = [:], notice: String? = nil,
        error: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        var all = values
        all["title"] = title
        all["csrf"] = frame.csrf
        all["showOutbox"] = frame.showOutbox
        if let administrator = frame.administrator { all["administrator"] = administrator }
        all["hasCrumbs"] = !crumbs.isEmpty
        all["crumbs"] = crumbs.map { ["crumbText": $0.text, "crumbHref": $0.href] }
        if let notice { all["notice"] = notice }
        if let error { all["error"] = error }
        let html = library.render(all, withTemplate: template) ?? ""
        var headers = Pages.securityHeaders
        // Same-origin referrers, so that the browser names this origin in the Origin of the console's own
        // POSTs (with no-referrer it sends `null`), and no other site learns a console URL.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers.append(contentsOf: frame.headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: Building blocks

    /// One cell of a table.
    struct Cell {
        var text: String
        var href: String?
        var code = false
        /// `good`, `bad` or `plain`: the text as a badge.
        var badge: String?

        init(_ text: String, href: String? = nil, code: Bool = false, badge: String? = nil) {
            self.text = text
            self.href = href
            self.code = code
            self.badge = badge
        }

        var values: [String: Any] {
            var out: [String: Any] = ["cellText": text]
            if let href { out["cellHref"] = href }
            if code { out["cellCode"] = true }
            if let badge { out["cellBadge"] = badge }
            return out
        }
    }

    static func table(caption: String, columns: [String], rows: [[Cell]], empty: String, next: String? = nil) -> [String: Any] {
        var out: [String: Any] = [
            "caption": caption, "columns": columns.map { ["columnName": $0] }, "columnCount": columns.count,
            "rows": rows.map { ["cells": $0.map(\.values)] }, "emptyText": empty,
        ]
        if let next { out["nextHref"] = next }
        return out
    }

    /// One fact of a definition list.
    struct Fact {
        var name: String
        var value: String
        var code = false
        var secret = false

        var values: [String: Any] {
            var out: [String: Any] = ["factName": name, "factValue": value]
            if code { out["factCode"] = true }
            if secret { out["factSecret"] = true }
            return out
        }
    }

    static func facts(_ facts: [Fact]) -> [[String: Any]] { facts.map(\.values) }

    // MARK: Showing API values

    private static let dateFormat: Date.ISO8601FormatStyle = .iso8601

    /// A timestamp as the API answers it (seconds since 1970), in UTC.
    static func date(_ value: JSONValue?) -> String {
        guard let seconds = value?.number else { return "" }
        return Date(timeIntervalSince1970: seconds).formatted(dateFormat)
    }

    static func date(_ value: Date) -> String { value.formatted(dateFormat) }

    /// Any API value as text: lists joined by commas, structures as compact JSON, timestamps as dates.
    static func text(_ value: JSONValue, key: String = "") -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "Yes" : "No"
        case .number(let number):
            if key.hasSuffix("Date") { return date(value) }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): return text
        case .array(let items):
            if items.allSatisfy({ $0.string != nil }) { return items.compactMap(\.string).joined(separator: ", ") }
            return json(value)
        case .object: return json(value)
        }
    }

    static func json(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Every member of an API structure as a fact, in name order.
    static func facts(of fields: [String: JSONValue], secrets: Set<String> = [], codes: Set<String> = []) -> [Fact] {
        fields.keys.sorted().map { key in
            Fact(name: key, value: text(fields[key]!, key: key), code: codes.contains(key), secret: secrets.contains(key))
        }
    }

    /// A query component, escaped for a URL.
    static func escape(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
