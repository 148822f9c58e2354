/// CBOR encoding (RFC 8949), definite lengths only: what an authenticator writes into an attestation object
/// and a COSE key. Maps are written in the canonical order (keys sorted by their encoding), so equal maps
/// encode to equal bytes.
extension CBOR {
    public var encoded: [UInt8] {
        switch self {
        case .unsigned(let n): Self.head(0, n)
        case .negative(let n): Self.head(1, n)
        case .bytes(let bytes): Self.head(2, UInt64(bytes.count)) + bytes
        case .text(let text): Self.head(3, UInt64(text.utf8.count)) + Array(text.utf8)
        case .array(let items): Self.head(4, UInt64(items.count)) + items.flatMap(\.encoded)
        case .map(let members):
            Self.head(5, UInt64(members.count))
                + members.map { ($0.key.encoded, $0.value.encoded) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.flatMap { $0.0 + $0.1 }
        case .tagged(let tag, let item): Self.head(6, tag) + item.encoded
        case .bool(let value): [value ? 0xF5 : 0xF4]
        case .null: [0xF6]
        case .undefined: [0xF7]
        case .float(let value): [0xFB] + withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
        }
    }

    /// The initial byte (major type and argument) and the argument's following bytes, in the shortest form.
    private static func head(_ major: UInt8, _ argument: UInt64) -> [UInt8] {
        switch argument {
        case 0..<24: [major << 5 | UInt8(argument)]
        case 24..<0x100: [major << 5 | 24, UInt8(argument)]
        case 0x100..<0x1_0000: [major << 5 | 25] + withUnsafeBytes(of: UInt16(argument).bigEndian, Array.init)
        case 0x1_0000..<0x1_0000_0000: [major << 5 | 26] + withUnsafeBytes(of: UInt32(argument).bigEndian, Array.init)
        default: [major << 5 | 27] + withUnsafeBytes(of: argument.bigEndian, Array.init)
        }
    }
}
