/// The IP ranges the client ID metadata document draft forbids an authorization server to fetch from
/// (RFC 6890's special-purpose registries: "this network", private, shared, loopback, link-local,
/// documentation, benchmarking, multicast, reserved, unique-local, and IPv6's translation and Teredo
/// prefixes), and the rule a request's resolved addresses are held to.
public enum SpecialUseAddresses {
    static let ranges: [IPRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7",
        "fe80::/10", "ff00::/8",
    ].compactMap(IPRange.init)
    static let loopback: [IPRange] = ["127.0.0.0/8", "::1/128"].compactMap(IPRange.init)

    /// Whether `address` (an IPv4 or IPv6 literal) lies in a special-use range; text that is no address is.
    public static func isSpecialUse(_ address: String) -> Bool {
        guard let ip = IPAddress(address) else { return true }
        return ranges.contains { $0.contains(ip) }
    }

    public static func isLoopback(_ address: String) -> Bool {
        guard let ip = IPAddress(address) else { return false }
        return loopback.contains { $0.contains(ip) }
    }
}

/// Which addresses an outgoing request may connect to, once its host name is resolved.
public enum AddressRule: Sendable, Equatable {
    /// Any: identity providers, whose URLs an administrator gave (`ProviderURLPolicy` checks them).
    case any
    /// No special-use address (every address the name resolves to is checked); loopback as well when
    /// `allowingLoopback` (the server itself runs on loopback, for local testing, as the draft allows).
    case publicOnly(allowingLoopback: Bool)

    /// Whether a request may connect to `address`.
    public func permits(_ address: String) -> Bool {
        switch self {
        case .any: true
        case .publicOnly(let loopback): !SpecialUseAddresses.isSpecialUse(address) || (loopback && SpecialUseAddresses.isLoopback(address))
        }
    }
}
