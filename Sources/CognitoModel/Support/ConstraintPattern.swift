import Foundation

/// A regular expression of the model, matched against the whole value as Java's `matches` does.
/// The model's patterns use Java syntax (`\p{L}`, look-behind), which ICU's engine understands.
public final class ConstraintPattern: Sendable {
    /// The pattern as the model writes it, quoted in error messages.
    public let source: String
    private let regex: NSRegularExpression?

    public init(_ source: String) {
        self.source = source
        self.regex = try? NSRegularExpression(pattern: "\\A(?:" + source + ")\\z", options: [])
    }

    /// Whether the pattern compiled; a test asserts it for every pattern of the model.
    public var isValid: Bool { regex != nil }

    public func matches(_ value: String) -> Bool {
        guard let regex else { return true }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return regex.firstMatch(in: value, options: [], range: range) != nil
    }
}
