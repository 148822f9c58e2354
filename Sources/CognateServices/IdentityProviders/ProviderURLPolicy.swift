import CognitoModel
import Foundation

/// Which addresses of identity providers Cognate will call (an OIDC issuer, its endpoints, a SAML
/// MetadataURL). A provider's URLs are given by whoever may create providers, and Cognate fetches them from
/// inside the deployment: by default only `https` to a host that is no loopback, private or link-local
/// address literal and not `localhost`, so a provider cannot point Cognate at its own network.
/// `--allow-local-providers` lifts both rules for local development and tests (a provider on
/// `http://localhost`). Host names are not resolved for the check: a name that resolves to an internal
/// address is the network's to refuse (an egress firewall), as the README says.
public struct ProviderURLPolicy: Sendable {
    public var allowsLocal: Bool

    public init(allowsLocal: Bool) { self.allowsLocal = allowsLocal }

    /// Throws InvalidParameterException naming `member` when Cognate will not call `text`.
    func check(_ text: String, member: String) throws(CognitoError) {
        guard text.utf8.count <= 2_048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            !host.isEmpty, url.user == nil, url.password == nil
        else { throw Errors.invalidParameter("\(member) must be an https URL.") }
        if allowsLocal {
            guard scheme == "https" || scheme == "http" else { throw Errors.invalidParameter("\(member) must be an https URL.") }
            return
        }
        guard scheme == "https" else {
            throw Errors.invalidParameter("\(member) must be an https URL (plain http is taken only with --allow-local-providers).")
        }
        guard !Self.isLocal(host) else {
            throw Errors.invalidParameter("\(member) names a local or private address, which Cognate calls only with --allow-local-providers.")
        }
    }

    /// `localhost` and loopback, private, link-local and unspecified address literals (IPv4 and IPv6).
    static func isLocal(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        if octets.count == 4, octets.allSatisfy({ $0 != nil && (0...255).contains($0!) }) {
            let a = octets[0]!
            let b = octets[1]!
            return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168)
                || (a == 100 && (64...127).contains(b))
        }
        if host.contains(":") {
            if host == "::" || host == "::1" { return true }
            if host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe8") || host.hasPrefix("fe9") || host.hasPrefix("fea")
                || host.hasPrefix("feb")
            {
                return true
            }
            // An IPv4 address written inside IPv6 (::ffff:127.0.0.1) is that address.
            if let last = host.split(separator: ":").last, last.contains(".") { return isLocal(String(last)) }
        }
        return false
    }
}
