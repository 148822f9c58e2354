/// `application/x-www-form-urlencoded` text, as OAuth endpoints take their bodies and queries, and as a
/// SAML `RelayState` carries authorize parameters.
public enum FormEncoding {
    /// The parameters, or nil when the body is not a form: a parameter given twice (RFC 6749 §3.2 forbids
    /// it), or a percent-escape that is not one.
    public static func parse(_ bytes: [UInt8]) -> [String: String]? {
        var parameters: [String: String] = [:]
        guard !bytes.isEmpty else { return parameters }
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard let value, parameters[name] == nil else { return nil }
            parameters[name] = value
        }
        return parameters
    }

    /// `+` is a space, `%XX` a byte; the result must be UTF-8.
    public static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var out: [UInt8] = []
        var iterator = Array(bytes).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                out.append(high << 4 | low)
            default:
                out.append(byte)
            }
        }
        // A null character is in no parameter of a form or query Cognate reads; refusing it here keeps
        // it out of every backend alike (PostgreSQL's text cannot hold one).
        guard !out.contains(0) else { return nil }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
