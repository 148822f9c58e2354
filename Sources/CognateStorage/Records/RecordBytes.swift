import Foundation

/// The compact binary form a backend may keep a hot record in, instead of JSON: fields in a fixed order,
/// no names. Decoding one costs a few small allocations, where Foundation's JSONDecoder spent about 40 µs
/// on a user (a third of a ListUsers page that missed the cache at 100,000 users).
///
/// Layout: one leading format byte (a JSON record starts with `{`, so both forms can share a column),
/// then the fields. Unsigned integers and lengths are LEB128 varints, signed ones zigzag varints; strings
/// and bytes are a length and the bytes; dates are the bit pattern of `timeIntervalSinceReferenceDate`
/// (8 bytes, little-endian), so they round-trip exactly; optionals are a presence byte, lists a count.
/// A type that gains a field gets a new format byte, and its reader keeps reading the older ones.
public protocol BinaryRecord: RecordField {
    /// The format byte of the layout `write(to:)` produces.
    static var recordFormat: UInt8 { get }
    /// The format bytes the reader understands: the current one and the earlier layouts it still reads.
    static var readableFormats: ClosedRange<UInt8> { get }
}

/// A value that can be a field of a binary record: the primitives below, and records themselves.
public protocol RecordField {
    func write(to writer: inout RecordWriter)
    init(from reader: inout RecordReader) throws(RecordError)
}

extension BinaryRecord {
    public static var readableFormats: ClosedRange<UInt8> { recordFormat...recordFormat }

    /// The record in its binary form, format byte first.
    public var recordBytes: [UInt8] {
        var writer = RecordWriter()
        writer.write(Self.recordFormat)
        writer.write(self)
        return writer.bytes
    }

    /// Reads a record written by `recordBytes`; every byte must be used.
    public init(recordBytes bytes: some Collection<UInt8>) throws(RecordError) {
        var reader = RecordReader(Array(bytes))
        let format = try reader.read(UInt8.self)
        guard Self.readableFormats.contains(format) else { throw RecordError("unknown format byte \(format)") }
        reader.format = format
        try self.init(from: &reader)
        guard reader.isAtEnd else { throw RecordError("\(reader.remaining) bytes left over") }
    }
}

/// A stored record that cannot be read: truncated, or not in the expected format.
public struct RecordError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = "Stored record is damaged: " + description
    }
}

/// Appends fields in the binary record form.
public struct RecordWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(512)
    }

    public mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func append(contentsOf raw: some Collection<UInt8>) {
        bytes.append(contentsOf: raw)
    }

    /// An unsigned LEB128 varint.
    public mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func write(_ value: some RecordField) {
        value.write(to: &self)
    }

    /// A presence byte, then the value when there is one.
    public mutating func write(_ value: (some RecordField)?) {
        guard let value else { return append(0) }
        append(1)
        value.write(to: &self)
    }
}

/// Reads fields of the binary record form, in the order they were written.
public struct RecordReader {
    private let bytes: [UInt8]
    private var index = 0
    /// The format byte of the record being read, so a reader can tell an earlier layout.
    public internal(set) var format: UInt8 = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { index == bytes.count }
    public var remaining: Int { bytes.count - index }

    public mutating func take(_ count: Int) throws(RecordError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - index else { throw RecordError("it ends early") }
        defer { index += count }
        return bytes[index..<index + count]
    }

    public mutating func byte() throws(RecordError) -> UInt8 {
        guard index < bytes.count else { throw RecordError("it ends early") }
        defer { index += 1 }
        return bytes[index]
    }

    public mutating func varint() throws(RecordError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try byte()
            guard shift < 64 else { throw RecordError("a number is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    /// A length or count: never more than the bytes left, since each element takes at least one.
    public mutating func count() throws(RecordError) -> Int {
        let count = try varint()
        guard count <= UInt64(remaining) else { throw RecordError("a length runs past the end") }
        return Int(count)
    }

    public mutating func read<T: RecordField>(_ type: T.Type = T.self) throws(RecordError) -> T {
        try T(from: &self)
    }

    public mutating func readOptional<T: RecordField>(_ type: T.Type = T.self) throws(RecordError) -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try T(from: &self)
        case let other: throw RecordError("\(other) is not a presence byte")
        }
    }

    public mutating func readArray<T: RecordField>(_ type: T.Type = T.self) throws(RecordError) -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try T(from: &self)) }
        return values
    }
}

// MARK: Primitive fields

extension UInt8: RecordField {
    public func write(to writer: inout RecordWriter) { writer.append(self) }
    public init(from reader: inout RecordReader) throws(RecordError) { self = try reader.byte() }
}

extension Bool: RecordField {
    public func write(to writer: inout RecordWriter) { writer.append(self ? 1 : 0) }
    public init(from reader: inout RecordReader) throws(RecordError) {
        switch try reader.byte() {
        case 0: self = false
        case 1: self = true
        case let other: throw RecordError("\(other) is not a boolean")
        }
    }
}

extension UInt64: RecordField {
    public func write(to writer: inout RecordWriter) { writer.appendVarint(self) }
    public init(from reader: inout RecordReader) throws(RecordError) { self = try reader.varint() }
}

extension UInt32: RecordField {
    public func write(to writer: inout RecordWriter) { writer.appendVarint(UInt64(self)) }
    public init(from reader: inout RecordReader) throws(RecordError) {
        let value = try reader.varint()
        guard let narrow = UInt32(exactly: value) else { throw RecordError("\(value) does not fit 32 bits") }
        self = narrow
    }
}

/// Zigzag: small negative numbers stay short.
extension Int64: RecordField {
    public func write(to writer: inout RecordWriter) { writer.appendVarint(UInt64(bitPattern: (self << 1) ^ (self >> 63))) }
    public init(from reader: inout RecordReader) throws(RecordError) {
        let raw = try reader.varint()
        self = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

extension Int: RecordField {
    public func write(to writer: inout RecordWriter) { Int64(self).write(to: &writer) }
    public init(from reader: inout RecordReader) throws(RecordError) { self = Int(try Int64(from: &reader)) }
}

extension String: RecordField {
    public func write(to writer: inout RecordWriter) {
        var text = self
        text.withUTF8 { utf8 in
            writer.appendVarint(UInt64(utf8.count))
            writer.append(contentsOf: utf8)
        }
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self = String(decoding: try reader.take(try reader.count()), as: UTF8.self)
    }
}

extension Data: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.appendVarint(UInt64(count))
        writer.append(contentsOf: self)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self = Data(try reader.take(try reader.count()))
    }
}

/// The bit pattern of `timeIntervalSinceReferenceDate`, little-endian: exact.
extension Date: RecordField {
    public func write(to writer: inout RecordWriter) {
        let bits = timeIntervalSinceReferenceDate.bitPattern
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            writer.append(UInt8(truncatingIfNeeded: bits >> shift))
        }
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        var bits: UInt64 = 0
        for (shift, byte) in zip(stride(from: UInt64(0), to: 64, by: 8), try reader.take(8)) {
            bits |= UInt64(byte) << shift
        }
        self = Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
    }
}

/// A count, then each element.
extension Array: RecordField where Element: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.appendVarint(UInt64(count))
        for element in self { element.write(to: &writer) }
    }

    public init(from reader: inout RecordReader) throws(RecordError) { self = try reader.readArray() }
}
