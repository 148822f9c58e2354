import Synchronization

/// The URL clients reach Cognate at, without a trailing slash: token issuers, discovery and page links are
/// made from it. Without `--public-url` it is the address the server listens on; with `--port 0` the port
/// is known only once the server has bound one, and `bind(port:)` completes the address then (before any
/// request is served), so no issuer ever says port 0.
public final class PublicAddress: Sendable {
    private let value: Mutex<String>

    public init(_ url: String) {
        value = Mutex(url)
    }

    public var url: String { value.withLock { $0 } }

    /// Puts the bound port in place of port 0 (`http://127.0.0.1:0` → `http://127.0.0.1:53211`); an
    /// address with another port, or none, is left as it is.
    public func bind(port: Int) {
        value.withLock { url in
            if url.hasSuffix(":0") { url = String(url.dropLast()) + String(port) }
        }
    }
}
