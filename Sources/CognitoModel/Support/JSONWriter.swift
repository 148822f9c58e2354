import Foundation

/// A value that writes itself as AWS JSON 1.1 without going through `Encoder`: every output shape, so
/// answering a request never builds Foundation's intermediate JSON tree. The bytes parse to the same JSON
/// as `JSONEncoder` with epoch-second dates and base64 blobs (a unit test compares them shape by shape).
public protocol WireEncodable {
    func write(to json: inout JSONWriter)
}

/// Appends JSON to a byte buffer. Members and elements put their own separators: a comma unless the
/// previous byte opened the object or array.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON of one value.
    public static func encode(_ value: some WireEncodable) -> [UInt8] {
        var writer = JSONWriter()
        value.write(to: &writer)
        return writer.bytes
    }

    @inline(__always) private mutating func separate() {
        if let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "[") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")) }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// `"key":value` in the object being written; keys are the model's member names, plain ASCII.
    public mutating func member(_ key: StaticString, _ value: some WireEncodable) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        value.write(to: &self)
    }

    /// `"key":value` with a key known only at run time (map keys).
    public mutating func member(dynamic key: String, _ value: some WireEncodable) {
        separate()
        string(key)
        bytes.append(UInt8(ascii: ":"))
        value.write(to: &self)
    }

    public mutating func array<S: Sequence>(_ elements: S) where S.Element: WireEncodable {
        bytes.append(UInt8(ascii: "["))
        for element in elements {
            separate()
            element.write(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8
    /// (slashes are not escaped, as AWS does not).
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    raw("\\u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number as `JSONEncoder` writes it: whole values without a fraction, others in the shortest form
    /// that reads back to the same double.
    public mutating func number(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < 9_007_199_254_740_992 {
            integer(Int64(value))
        } else if value.isFinite {
            bytes.append(contentsOf: "\(value)".utf8)
        } else {
            raw("null")  // JSON has no infinities or NaN; the model never produces them.
        }
    }
}

extension String: WireEncodable {
    public func write(to json: inout JSONWriter) { json.string(self) }
}

extension Int: WireEncodable {
    public func write(to json: inout JSONWriter) { json.integer(Int64(self)) }
}

extension Int64: WireEncodable {
    public func write(to json: inout JSONWriter) { json.integer(self) }
}

extension Double: WireEncodable {
    public func write(to json: inout JSONWriter) { json.number(self) }
}

extension Bool: WireEncodable {
    public func write(to json: inout JSONWriter) { self ? json.raw("true") : json.raw("false") }
}

/// Timestamps are epoch seconds on the AWS JSON wire.
extension Date: WireEncodable {
    public func write(to json: inout JSONWriter) { json.number(timeIntervalSince1970) }
}

/// Blobs are base64 on the AWS JSON wire.
extension Data: WireEncodable {
    public func write(to json: inout JSONWriter) { json.string(base64EncodedString()) }
}

extension Array: WireEncodable where Element: WireEncodable {
    public func write(to json: inout JSONWriter) { json.array(self) }
}

extension Dictionary: WireEncodable where Key == String, Value: WireEncodable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        for (key, value) in self { json.member(dynamic: key, value) }
        json.endObject()
    }
}

extension JSONValue: WireEncodable {
    public func write(to json: inout JSONWriter) {
        switch self {
        case .null: json.raw("null")
        case .bool(let b): b.write(to: &json)
        case .number(let n): json.number(n)
        case .string(let s): json.string(s)
        case .array(let a): a.write(to: &json)
        case .object(let o): o.write(to: &json)
        }
    }
}

extension EmptyShape: WireEncodable {
    public func write(to json: inout JSONWriter) { json.raw("{}") }
}

extension ModelEnum {
    public func write(to json: inout JSONWriter) { json.string(rawValue) }
}
