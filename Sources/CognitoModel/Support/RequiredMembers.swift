import Foundation

/// A value that stands in for a required member the request left out, so decoding can go on and
/// report every violation at once, as AWS does.
public protocol ZeroValued {
    static var zeroValue: Self { get }
}

extension String: ZeroValued { public static var zeroValue: String { "" } }
extension Int: ZeroValued { public static var zeroValue: Int { 0 } }
extension Int64: ZeroValued { public static var zeroValue: Int64 { 0 } }
extension Double: ZeroValued { public static var zeroValue: Double { 0 } }
extension Bool: ZeroValued { public static var zeroValue: Bool { false } }
extension Date: ZeroValued { public static var zeroValue: Date { Date(timeIntervalSince1970: 0) } }
extension Data: ZeroValued { public static var zeroValue: Data { Data() } }
extension Array: ZeroValued { public static var zeroValue: [Element] { [] } }
extension Dictionary: ZeroValued { public static var zeroValue: [Key: Value] { [:] } }
extension JSONValue: ZeroValued { public static var zeroValue: JSONValue { .null } }
extension ModelEnum {
    public static var zeroValue: Self { Self(rawValue: "")! }
}

/// Collects the paths of required members missing from a request while it decodes.
/// Put one in `JSONDecoder.userInfo[MissingMembers.key]`; without one, a missing member is a decoding error.
public final class MissingMembers: @unchecked Sendable {
    public static let key = CodingUserInfoKey(rawValue: "cognate.missingMembers")!
    private let lock = NSLock()
    private var paths: [[any CodingKey]] = []

    public init() {}

    func record(_ path: [any CodingKey]) {
        lock.lock()
        paths.append(path)
        lock.unlock()
    }

    /// The missing members' paths in AWS notation (`userAttributes.1.member.name`), in request order.
    public var wirePaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths.map(MissingMembers.wirePath)
    }

    /// Converts a coding path to AWS notation: members with a lowered first letter, 1-based list indexes.
    public static func wirePath(_ path: [any CodingKey]) -> String {
        var parts: [String] = []
        for key in path {
            if let index = key.intValue {
                parts.append("\(index + 1)")
                parts.append("member")
            } else {
                let name = key.stringValue
                parts.append(name.prefix(1).lowercased() + name.dropFirst())
            }
        }
        return parts.joined(separator: ".")
    }
}

extension KeyedDecodingContainer {
    /// Decodes a required member; when it is absent, records it and answers a stand-in value.
    public func decodeRequired<T: Decodable & ZeroValued>(_ type: T.Type, forKey key: Key, _ decoder: any Decoder) throws -> T {
        if let value = try decodeIfPresent(T.self, forKey: key) {
            return value
        }
        guard let missing = decoder.userInfo[MissingMembers.key] as? MissingMembers else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "Missing required member"))
        }
        missing.record(codingPath + [key])
        return T.zeroValue
    }
}
