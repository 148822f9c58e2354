import Foundation

/// Base64url without padding (RFC 7515), as JWTs and JWKs use it. Every token a request presents or
/// receives goes through here, so it works on bytes directly.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each ASCII byte's 6-bit value, or 0xFF when it is not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Whether a byte is one of base64url's 64 characters.
    public static func isAlphabet(_ byte: UInt8) -> Bool { values[Int(byte)] != 0xFF }

    public static func encode<D: DataProtocol>(_ data: D) -> String {
        let input = Array(data)
        let length = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: length) { output in
            var out = 0
            var index = 0
            alphabet.withUnsafeBufferPointer { a in
                while index + 3 <= input.count {
                    let n = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output[out] = a[Int(n >> 18 & 63)]
                    output[out + 1] = a[Int(n >> 12 & 63)]
                    output[out + 2] = a[Int(n >> 6 & 63)]
                    output[out + 3] = a[Int(n & 63)]
                    out += 4
                    index += 3
                }
                let rest = input.count - index
                if rest > 0 {
                    let n = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
                    output[out] = a[Int(n >> 18 & 63)]
                    output[out + 1] = a[Int(n >> 12 & 63)]
                    out += 2
                    if rest == 2 {
                        output[out] = a[Int(n >> 6 & 63)]
                        out += 1
                    }
                }
            }
            return out
        }
    }

    /// The bytes of base64url text (padding optional); nil for any other character or an impossible length.
    public static func decode(_ text: some StringProtocol) -> Data? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(bytes: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(bytes: $0) }
    }

    private static func decode(bytes whole: UnsafeBufferPointer<UInt8>) -> Data? {
        var end = whole.count
        if end % 4 == 0 {
            while end > 0, end > whole.count - 2, whole[end - 1] == UInt8(ascii: "=") { end -= 1 }
        }
        let input = UnsafeBufferPointer(rebasing: whole[0..<end])
        guard input.count % 4 != 1 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits: UInt32 = 0
        let valid = values.withUnsafeBufferPointer { table -> Bool in
            for byte in input {
                let value = table[Int(byte)]
                guard value != 0xFF else { return false }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output.append(UInt8(truncatingIfNeeded: accumulator >> bits))
                }
            }
            return true
        }
        return valid ? Data(output) : nil
    }
}
