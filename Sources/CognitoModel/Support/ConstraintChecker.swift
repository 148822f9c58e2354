import Foundation

/// One violated constraint, worded as AWS words it.
public struct ConstraintViolation: Sendable, Equatable {
    public var path: String
    /// The offending value as AWS renders it, or nil for a missing or sensitive one.
    public var renderedValue: String?
    public var sensitive: Bool
    public var constraint: String

    /// Longest value echoed in a message; a longer one is cut, so an error never repeats megabytes back.
    public static let maxRenderedLength = 256

    public var message: String {
        if sensitive {
            return "Value at '\(path)' failed to satisfy constraint: \(constraint)"
        }
        let value =
            renderedValue.map { text in
                text.utf16.count > Self.maxRenderedLength ? "'\(text.prefix(Self.maxRenderedLength))...'" : "'\(text)'"
            } ?? "null"
        return "Value \(value) at '\(path)' failed to satisfy constraint: \(constraint)"
    }
}

/// A value that can appear in a constraint message.
public protocol ConstraintRendered {
    var renderedForConstraint: String { get }
}

extension String: ConstraintRendered { public var renderedForConstraint: String { self } }
extension Int: ConstraintRendered { public var renderedForConstraint: String { String(self) } }
extension Int64: ConstraintRendered { public var renderedForConstraint: String { String(self) } }
extension ModelEnum { public var renderedForConstraint: String { rawValue } }

/// A check on each element of a list or each value of a map.
public enum ConstraintRule: Sendable {
    case oneOf([String])
    case string(min: Int? = nil, max: Int? = nil, pattern: ConstraintPattern? = nil)
    case number(min: Int64? = nil, max: Int64? = nil)
}

/// Walks a decoded request and collects every violated constraint of the model.
public struct ConstraintChecker: Sendable {
    public private(set) var violations: [ConstraintViolation] = []
    /// Set while a sensitive structure is checked: no value inside it is echoed.
    public private(set) var hidesValues = false

    public init() {}

    /// Runs `check` with every value it finds left out of the messages.
    public mutating func hidingValues(_ check: (inout ConstraintChecker) -> Void) {
        let was = hidesValues
        hidesValues = true
        check(&self)
        hidesValues = was
    }

    /// Records a required member that was absent.
    public mutating func missing(_ path: String) {
        violations.append(.init(path: path, renderedValue: nil, sensitive: false, constraint: "Member must not be null"))
    }

    /// Removes violations found after the first `count` at the given paths.
    public mutating func dropViolations(at paths: Set<String>, keepingFirst count: Int) {
        guard !paths.isEmpty else { return }
        violations = Array(violations.prefix(count)) + violations.dropFirst(count).filter { !paths.contains($0.path) }
    }

    public func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    public mutating func string(
        _ value: String, _ parent: String, _ name: String,
        min: Int? = nil, max: Int? = nil, pattern: ConstraintPattern? = nil, sensitive: Bool = false
    ) {
        for constraint in Self.stringFailures(value, min: min, max: max, pattern: pattern) {
            violations.append(.init(path: join(parent, name), renderedValue: value, sensitive: sensitive || hidesValues, constraint: constraint))
        }
    }

    public mutating func number(_ value: Int64, _ parent: String, _ name: String, min: Int64? = nil, max: Int64? = nil) {
        for constraint in Self.numberFailures(value, min: min, max: max) {
            violations.append(.init(path: join(parent, name), renderedValue: String(value), sensitive: hidesValues, constraint: constraint))
        }
    }

    public mutating func count<T: ConstraintRenderable>(
        _ count: Int, _ value: T, _ parent: String, _ name: String, min: Int? = nil, max: Int? = nil, sensitive: Bool = false
    ) {
        for constraint in Self.lengthFailures(count, min: min, max: max) {
            let hide = sensitive || hidesValues
            violations.append(
                .init(path: join(parent, name), renderedValue: hide ? nil : value.renderedCollection, sensitive: hide, constraint: constraint))
        }
    }

    public mutating func oneOf(_ value: String, _ allowed: [String], _ parent: String, _ name: String) {
        if !allowed.contains(value) {
            violations.append(.init(path: join(parent, name), renderedValue: value, sensitive: hidesValues, constraint: Self.enumConstraint(allowed)))
        }
    }

    /// Checks each element; AWS reports element failures once, on the collection.
    public mutating func elements<E: ConstraintRendered>(
        _ values: [E], _ rule: ConstraintRule, _ parent: String, _ name: String, sensitive: Bool = false
    ) {
        var failures: [String] = []
        for element in values {
            let text = element.renderedForConstraint
            let found: [String]
            switch rule {
            case .oneOf(let allowed):
                found = allowed.contains(text) ? [] : [Self.enumConstraint(allowed)]
            case .string(let min, let max, let pattern):
                found = Self.stringFailures(text, min: min, max: max, pattern: pattern)
            case .number(let min, let max):
                found = Self.numberFailures(Int64(text) ?? 0, min: min, max: max)
            }
            for f in found where !failures.contains(f) { failures.append(f) }
        }
        if !failures.isEmpty {
            let hide = sensitive || hidesValues
            let rendered = hide ? nil : "[" + values.map(\.renderedForConstraint).joined(separator: ", ") + "]"
            violations.append(
                .init(
                    path: join(parent, name), renderedValue: rendered, sensitive: hide,
                    constraint: "Member must satisfy constraint: [" + failures.joined(separator: ", ") + "]"
                ))
        }
    }

    /// The message of an InvalidParameterException for the collected violations, or nil when there are none.
    public var message: String? {
        guard !violations.isEmpty else { return nil }
        let count = violations.count
        let head = count == 1 ? "1 validation error detected: " : "\(count) validation errors detected: "
        return head + violations.map(\.message).joined(separator: "; ")
    }

    static func enumConstraint(_ allowed: [String]) -> String {
        "Member must satisfy enum value set: [" + allowed.joined(separator: ", ") + "]"
    }

    static func lengthFailures(_ length: Int, min: Int?, max: Int?) -> [String] {
        var out: [String] = []
        if let min, length < min { out.append("Member must have length greater than or equal to \(min)") }
        if let max, length > max { out.append("Member must have length less than or equal to \(max)") }
        return out
    }

    static func stringFailures(_ value: String, min: Int?, max: Int?, pattern: ConstraintPattern?) -> [String] {
        // AWS counts length in UTF-16 code units (Java strings).
        var out = lengthFailures(value.utf16.count, min: min, max: max)
        if let pattern, !pattern.matches(value) {
            out.append("Member must satisfy regular expression pattern: \(pattern.source)")
        }
        return out
    }

    static func numberFailures(_ value: Int64, min: Int64?, max: Int64?) -> [String] {
        var out: [String] = []
        if let min, value < min { out.append("Member must have value greater than or equal to \(min)") }
        if let max, value > max { out.append("Member must have value less than or equal to \(max)") }
        return out
    }
}

/// A list or map as it appears in a constraint message.
public protocol ConstraintRenderable {
    var renderedCollection: String { get }
}

/// An element of a list or map in a message: a string or number as it is, a structure as its JSON (its
/// members under the API's names), never a Swift description.
func renderedElement(_ value: Any) -> String {
    if let rendered = value as? any ConstraintRendered { return rendered.renderedForConstraint }
    if let encodable = value as? any Encodable {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(encodable), let text = String(data: data, encoding: .utf8) { return text }
    }
    return String(describing: value)
}

extension Array: ConstraintRenderable {
    public var renderedCollection: String {
        "[" + map { renderedElement($0) }.joined(separator: ", ") + "]"
    }
}

extension Dictionary: ConstraintRenderable {
    public var renderedCollection: String {
        "{" + map { "\($0.key)=\(renderedElement($0.value))" }.sorted().joined(separator: ", ") + "}"
    }
}
