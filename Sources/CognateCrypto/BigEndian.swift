/// Byte and hex encodings of non-negative integers as SRP's wire formats use them.
public enum BigEndian {
    /// Lowercase hex of the bytes, without leading zero digits ("0" for zero) — Java's `BigInteger.toString(16)`.
    public static func hexWithoutLeadingZeros(_ bytes: [UInt8]) -> String {
        let hex = self.hex(bytes)
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// Lowercase hex of the bytes, two digits each.
    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Bytes of a hex string (odd lengths get a leading zero digit); nil when it is not hex.
    public static func bytes(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        var out = [UInt8]()
        out.reserveCapacity(digits.count / 2 + 1)
        var index = 0
        var pending: UInt8?
        if digits.count % 2 == 1 { pending = 0 }
        while index < digits.count {
            guard let value = nibble(digits[index]) else { return nil }
            if let high = pending {
                out.append(high << 4 | value)
                pending = nil
            } else {
                pending = value
            }
            index += 1
        }
        return out
    }

    /// The minimal two's-complement encoding of a non-negative integer: leading zero bytes removed, and
    /// one zero byte put back when the top bit is set — what Cognito's SRP hashes (its "padHex").
    public static func signPadded(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = Array(bytes.drop { $0 == 0 })
        guard let first = trimmed.first else { return [0] }
        return first & 0x80 != 0 ? [0] + trimmed : trimmed
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
