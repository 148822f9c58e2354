import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address, IPv4 or IPv6, as its bytes (4 or 16). An IPv4 address written inside IPv6
/// (`::ffff:192.0.2.1`) is that IPv4 address.
struct IPAddress: Equatable, Sendable {
    let bytes: [UInt8]

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, trimmed, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        let mapped = all.prefix(10).allSatisfy { $0 == 0 } && all[10] == 0xff && all[11] == 0xff
        bytes = mapped ? Array(all.suffix(4)) : all
    }
}

/// A range of IP addresses in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`), as threat protection's
/// always-block and always-allow lists give them.
struct IPRange: Equatable, Sendable {
    let network: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), parts[1].allSatisfy(\.isASCII),
            let length = Int(parts[1]), length >= 0, length <= address.bytes.count * 8,
            !parts[1].hasPrefix("+"), parts[1].count <= 3
        else { return nil }
        network = address
        prefixLength = length
    }

    func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, network.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }
}
