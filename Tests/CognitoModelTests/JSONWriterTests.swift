import CognitoModel
import Foundation
import Testing

/// `JSONWriter` must produce the same JSON as Foundation's `JSONEncoder` configured for AWS JSON 1.1,
/// for every operation's output with every member present.
@Suite struct JSONWriterTests {
    static let reference: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static func parsed(_ bytes: some Sequence<UInt8>) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
    }

    func sameJSON<T: Encodable & WireEncodable>(_ value: T) throws -> Bool {
        let expected = try Self.parsed(Self.reference.encode(value))
        let written = try Self.parsed(JSONWriter.encode(value))
        return expected.isEqual(written)
    }

    @Test func everyOutputShapeFullyPopulated() throws {
        var checked = 0
        for operation in Operations.all {
            func check<Op: OperationShape>(_: Op.Type) throws {
                let output = try #require(Op.Output.self as? any Decodable.Type)
                let value = try output.init(from: FillingDecoder()) as! Op.Output
                #expect(try sameJSON(value), "\(Op.operation.rawValue) output")
                checked += 1
            }
            try check(operation)
        }
        #expect(checked == Operations.all.count)
    }

    @Test func stringsAreEscaped() throws {
        let samples = [
            "", "plain", "quote \" and backslash \\", "slash / stays", "line\nfeed\ttab\r\u{8}\u{c}",
            "control \u{1}\u{1f}", "unicode é 漢字 🙂", "\u{7f}",
        ]
        for sample in samples {
            #expect(try sameJSON(sample), "\(sample.debugDescription)")
            #expect(try sameJSON([sample: [sample]]), "as a map key \(sample.debugDescription)")
        }
        #expect(String(decoding: JSONWriter.encode("a/b"), as: UTF8.self) == "\"a/b\"")
    }

    @Test func numbersAndDates() throws {
        for value in [0.0, 1, -1, 1.5, 1_732_665_600, 1_732_665_600.123, 1e-7, 1.234_567_890_123_456_8e17] {
            #expect(try sameJSON(value), "\(value)")
            #expect(try sameJSON(Date(timeIntervalSince1970: value)), "date \(value)")
        }
        #expect(String(decoding: JSONWriter.encode(Date(timeIntervalSince1970: 1_700_000_000)), as: UTF8.self) == "1700000000")
        #expect(try sameJSON(Data([0, 1, 2, 250, 255])))
        #expect(try sameJSON(["k": JSONValue.array([.null, .bool(false), .number(2.5), .string("x"), .object(["n": .number(1)])])]))
    }
}

/// A decoder that finds every member present: strings full of characters that need escaping, numbers,
/// dates with fractions, two-element lists and two-key maps. Decoding an output shape with it gives a
/// value with every optional member set.
struct FillingDecoder: Decoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    static let text = "v \"q\" \\ / \n é 🙂"

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(decoder: self) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    func child(_ key: any CodingKey) -> FillingDecoder {
        FillingDecoder(codingPath: codingPath + [key], userInfo: userInfo)
    }

    static func value<T: Decodable>(_ type: T.Type, _ decoder: FillingDecoder) throws -> T {
        switch type {
        case is String.Type: return text as! T
        case is Bool.Type: return true as! T
        case is Int.Type: return 42 as! T
        case is Int64.Type: return Int64(4_200_000_000) as! T
        case is Double.Type: return 2.5 as! T
        case is Date.Type: return Date(timeIntervalSince1970: 1_732_665_600.25) as! T
        case is Data.Type: return Data([1, 2, 3, 254]) as! T
        default: return try T(from: decoder)
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) {
            self.stringValue = "\(intValue)"
            self.intValue = intValue
        }
    }

    struct Keyed<K: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        /// Map keys; a structure's own CodingKeys reject them, so structures decode member by member.
        var allKeys: [K] { ["key1", "key \"2\""].compactMap { K(stringValue: $0) } }
        func contains(_ key: K) -> Bool { true }
        func decodeNil(forKey key: K) throws -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T {
            try FillingDecoder.value(type, decoder.child(key))
        }
        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
            try decoder.child(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: K) throws -> any UnkeyedDecodingContainer {
            try decoder.child(key).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: K) throws -> any Decoder { decoder.child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { 2 }
        var currentIndex = 0
        var isAtEnd: Bool { currentIndex >= 2 }
        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            defer { currentIndex += 1 }
            return try FillingDecoder.value(type, decoder.child(Key(intValue: currentIndex)))
        }
        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            defer { currentIndex += 1 }
            return try decoder.child(Key(intValue: currentIndex)).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            defer { currentIndex += 1 }
            return try decoder.child(Key(intValue: currentIndex)).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { decoder }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try FillingDecoder.value(type, decoder) }
    }
}
