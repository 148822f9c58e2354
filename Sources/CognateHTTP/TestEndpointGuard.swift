import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird

/// Keeps web pages away from the test endpoints. A page on any site can make a browser send a simple
/// cross-site POST (text/plain or a form, no preflight) to a loopback address, and a rebound DNS name can
/// make it read answers from one. So these endpoints answer only requests whose `Host` is an address
/// literal, `localhost`, or the host of `--public-url` (never a name an attacker controls), that carry no
/// foreign `Origin`, and whose body, if any, is JSON.
struct TestEndpointGuard: Sendable {
    /// Host names (lowercased, without port) accepted besides address literals.
    let names: Set<String>

    init(publicURL: String?, listenHost: String) {
        var names: Set<String> = ["localhost"]
        if let host = publicURL.flatMap({ URL(string: $0)?.host }) { names.insert(host.lowercased()) }
        if !Self.isAddressLiteral(listenHost) { names.insert(listenHost.lowercased()) }
        self.names = names
    }

    /// The refusal to answer instead, or nil when the request may be served.
    func refusal(_ request: Request) -> Response? {
        if let reason = addressRefusal(request) ?? originRefusal(request) { return Self.forbidden(reason) }
        if request.method == .post, let type = request.headers[.contentType],
            !type.lowercased().hasPrefix("application/json")
        {
            return Self.forbidden("The test endpoints take JSON bodies (Content-Type: application/json) or none.")
        }
        return nil
    }

    /// Why a request's `Host` is not one a rebound DNS name could give, or nil when it is fine.
    func addressRefusal(_ request: Request) -> String? {
        guard let authority = request.head.authority, let host = Self.host(ofAuthority: authority),
            Self.isAddressLiteral(host) || names.contains(host)
        else { return "The test endpoints answer only requests addressed to this server by address, localhost or --public-url." }
        return nil
    }

    /// Why a request comes from another site's page, or nil when it does not.
    func originRefusal(_ request: Request) -> String? {
        if let origin = request.headers[.origin], let authority = request.head.authority,
            origin != "http://" + authority, origin != "https://" + authority
        {
            return "The test endpoints do not answer cross-origin requests."
        }
        if request.headers[.origin] != nil && request.head.authority == nil { return "The test endpoints do not answer cross-origin requests." }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            return "The test endpoints do not answer cross-origin requests."
        }
        return nil
    }

    /// The host part of `host[:port]` or `[v6]:port`, lowercased.
    static func host(ofAuthority authority: String) -> String? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return host.isEmpty ? nil : host.lowercased()
    }

    /// An IPv4 dotted quad or an IPv6 address: a name no DNS answer can rebind.
    static func isAddressLiteral(_ host: String) -> Bool {
        if host.contains(":") { return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && Int(part)! <= 255
            }
    }

    static func forbidden(_ message: String) -> Response {
        AWSEndpoint.response(.error(CognitoError(.accessDeniedException, message), status: 403), requestID: AWSEndpoint.requestID())
    }
}
