import CognateHTTP
import CognateServices
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// Cognate's web side in-process, as a browser sees it: it keeps the cookies each answer sets and sends
/// them back, posts forms, and reads a page's hidden fields (the CSRF token). Nothing listens on a port.
public final class WebSession: Sendable {
    /// One answer: status, headers and body as text.
    public struct Page: Sendable {
        public var status: Int
        public var headers: HTTPFields
        public var body: String

        /// Where a redirect points.
        public var location: String? { headers[.location] }

        /// The query parameters of the redirect's target.
        public var redirectQuery: [String: String] {
            guard let location, let items = URLComponents(string: location)?.queryItems else { return [:] }
            return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        }

        /// The value of the form field `name` on the page (`name="…" value="…"`).
        public func field(_ name: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { Self.unescaped(String(rest[..<$0])) }
        }

        /// An attribute's text with HTML's character references read back.
        static func unescaped(_ text: String) -> String {
            var out = text
            for (reference, character) in [
                ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&#x2F;", "/"), ("&#x3D;", "="),
            ] {
                out = out.replacingOccurrences(of: reference, with: character)
            }
            return out.replacingOccurrences(of: "&amp;", with: "&")
        }

        /// The body as JSON.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    private let client: any TestClientProtocol
    private let cookies = Mutex<[String: String]>([:])

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    public func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await send(uri, method: .get, headers: headers, body: nil)
    }

    /// Posts `form` as `application/x-www-form-urlencoded`.
    public func post(_ uri: String, form: [String: String], headers: HTTPFields = [:]) async throws -> Page {
        var all = headers
        all[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: all, body: ByteBuffer(string: Self.encode(form)))
    }

    /// `application/x-www-form-urlencoded`, keys in order so a request is reproducible.
    public static func encode(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.sorted { $0.key < $1.key }.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    private func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var all = headers
        let cookie = cookies.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookie.isEmpty { all[.cookie] = cookie }
        let response = try await client.execute(uri: uri, method: method, headers: all, body: body)
        cookies.withLock { jar in
            for set in response.headers[values: .setCookie] {
                let pair = set.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
                let value = String(pair[pair.index(after: equals)...])
                if value.isEmpty || set.lowercased().contains("max-age=0") { jar[name] = nil } else { jar[name] = value }
            }
        }
        return Page(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }
}

extension TestCognate {
    /// Runs `body` against Cognate's HTTP application (the JSON API, the OAuth endpoints and the managed
    /// login) in-process, through the same router the server uses.
    public func http<T: Sendable>(_ body: @escaping @Sendable (WebSession) async throws -> T) async throws -> T {
        let app = try CognateApp.build(
            configuration: AppConfiguration(region: Self.region), dependencies: dependencies, logger: dependencies.logger)
        return try await app.test(.router) { client in try await body(WebSession(client)) }
    }
}
