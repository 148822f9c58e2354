import Foundation
import Synchronization

/// A regular expression of the model, matched against the whole value as Java's `matches` does.
/// The model's patterns use Java syntax (`\p{L}`, look-behind), which ICU's engine understands.
///
/// Every request checks several patterns, so two shortcuts keep ICU off the hot path. Most patterns
/// are one character class repeated (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`): for those, which ASCII
/// characters belong to the class is worked out once, by the regex itself, and ASCII values are
/// checked against that table. The other patterns remember their answers for recent short values
/// (pool IDs and client IDs repeat on every call).
public final class ConstraintPattern: Sendable {
    /// The pattern as the model writes it, quoted in error messages.
    public let source: String
    private let regex: NSRegularExpression?
    /// For `[class]+` and `[class]*`: whether each ASCII character is in the class.
    private let asciiClass: [Bool]?
    private let allowsEmpty: Bool
    private let recent = Mutex<[String: Bool]>([:])

    /// Per pattern; at most about 150 KB each (values over 256 bytes are never remembered).
    private static let recentLimit = 512
    private static let repeatedClass = try! NSRegularExpression(pattern: #"\A\[((?:\\.|[^\[\]\\])*)\]([+*])\z"#)

    public init(_ source: String) {
        self.source = source
        self.regex = try? NSRegularExpression(pattern: "\\A(?:" + source + ")\\z", options: [])
        let whole = NSRange(source.startIndex..<source.endIndex, in: source)
        if let match = Self.repeatedClass.firstMatch(in: source, range: whole),
            let inner = Range(match.range(at: 1), in: source), let quantifier = Range(match.range(at: 2), in: source),
            let single = try? NSRegularExpression(pattern: "\\A[" + source[inner] + "]\\z")
        {
            asciiClass = (0..<128).map { code in
                let text = String(UnicodeScalar(UInt8(code)))
                return single.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
            }
            allowsEmpty = source[quantifier] == "*"
        } else {
            asciiClass = nil
            allowsEmpty = false
        }
    }

    /// Whether the pattern compiled; a test asserts it for every pattern of the model.
    public var isValid: Bool { regex != nil }

    /// Whether ASCII values are checked by table rather than by the regex (for tests).
    public var hasASCIITable: Bool { asciiClass != nil }

    public func matches(_ value: String) -> Bool {
        if let table = asciiClass {
            var ascii = true
            for byte in value.utf8 {
                guard byte < 0x80 else {
                    ascii = false
                    break
                }
                if !table[Int(byte)] { return false }
            }
            if ascii { return allowsEmpty || !value.isEmpty }
            return regexMatches(value)
        }
        guard value.utf8.count <= 256 else { return regexMatches(value) }
        if let known = recent.withLock({ $0[value] }) { return known }
        let answer = regexMatches(value)
        recent.withLock { recent in
            if recent.count >= Self.recentLimit { recent.removeAll(keepingCapacity: true) }
            recent[value] = answer
        }
        return answer
    }

    /// The regex alone, without shortcuts (tests compare the two).
    public func regexMatches(_ value: String) -> Bool {
        guard let regex else { return true }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }
}
