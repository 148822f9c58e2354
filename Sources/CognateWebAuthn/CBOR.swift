/// A CBOR data item (RFC 8949), as far as WebAuthn needs it: attestation objects and COSE keys.
public indirect enum CBOR: Hashable, Sendable {
    case unsigned(UInt64)
    /// A negative integer, -1 - n.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([CBOR: CBOR])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    case float(Double)

    /// The value as an Int, for integers that fit.
    public var int: Int? {
        switch self {
        case .unsigned(let n): return n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): return n < UInt64(Int.max) ? -1 - Int(n) : nil
        default: return nil
        }
    }

    public var bytes: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }
    public var text: String? { if case .text(let t) = self { t } else { nil } }
    public var array: [CBOR]? { if case .array(let a) = self { a } else { nil } }
    public var map: [CBOR: CBOR]? { if case .map(let m) = self { m } else { nil } }

    /// The CBOR for an integer key (COSE keys use small integers).
    public static func int(_ value: Int) -> CBOR { value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value)) }

    public subscript(_ key: Int) -> CBOR? { map?[.int(key)] }
    public subscript(_ key: String) -> CBOR? { map?[.text(key)] }
}

public struct CBORError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Decodes CBOR with definite lengths (WebAuthn's canonical form); indefinite lengths, nesting deeper than
/// 16 levels and lengths beyond the input are refused.
public struct CBORDecoder {
    let bytes: [UInt8]
    /// Where the next item starts.
    public private(set) var position: Int

    public init(_ bytes: [UInt8], from position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Decodes one whole item that must fill the input.
    public static func decodeWhole(_ bytes: [UInt8]) throws(CBORError) -> CBOR {
        var decoder = CBORDecoder(bytes)
        let item = try decoder.decode()
        guard decoder.position == bytes.count else { throw CBORError("trailing bytes after the CBOR item") }
        return item
    }

    public mutating func decode() throws(CBORError) -> CBOR { try decode(depth: 0) }

    private mutating func decode(depth: Int) throws(CBORError) -> CBOR {
        guard depth < 16 else { throw CBORError("CBOR nested too deeply") }
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 {
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 25: return .float(Self.half(UInt16(try uint(2))))
            case 26: return .float(Double(Float(bitPattern: UInt32(try uint(4)))))
            case 27: return .float(Double(bitPattern: try uint(8)))
            default: throw CBORError("unsupported CBOR simple value \(info)")
            }
        }
        let argument = try self.argument(info)
        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2: return .bytes(try take(argument))
        case 3:
            guard let text = String(validating: try take(argument), as: UTF8.self) else { throw CBORError("CBOR text is not UTF-8") }
            return .text(text)
        case 4:
            guard argument <= UInt64(bytes.count - position) else { throw CBORError("CBOR array longer than the input") }
            var items: [CBOR] = []
            for _ in 0..<argument { items.append(try decode(depth: depth + 1)) }
            return .array(items)
        case 5:
            guard argument <= UInt64(bytes.count - position) else { throw CBORError("CBOR map longer than the input") }
            var entries: [CBOR: CBOR] = [:]
            for _ in 0..<argument {
                let key = try decode(depth: depth + 1)
                let value = try decode(depth: depth + 1)
                guard entries.updateValue(value, forKey: key) == nil else { throw CBORError("duplicate CBOR map key") }
            }
            return .map(entries)
        default:
            return .tagged(argument, try decode(depth: depth + 1))
        }
    }

    private mutating func argument(_ info: UInt8) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return try uint(1)
        case 25: return try uint(2)
        case 26: return try uint(4)
        case 27: return try uint(8)
        default: throw CBORError("indefinite or reserved CBOR length")
        }
    }

    private mutating func byte() throws(CBORError) -> UInt8 {
        guard position < bytes.count else { throw CBORError("CBOR input ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func uint(_ count: Int) throws(CBORError) -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<count { value = (value << 8) | UInt64(try byte()) }
        return value
    }

    private mutating func take(_ count: UInt64) throws(CBORError) -> [UInt8] {
        guard count <= UInt64(bytes.count - position) else { throw CBORError("CBOR string longer than the input") }
        let end = position + Int(count)
        defer { position = end }
        return Array(bytes[position..<end])
    }

    static func half(_ bits: UInt16) -> Double {
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        let sign: Double = bits & 0x8000 == 0 ? 1 : -1
        if exponent == 0 { return sign * fraction * 0x1p-24 }
        if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
        return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}
