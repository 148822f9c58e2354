import Foundation

/// A shape that checks its members' constraints (generated for every structure).
public protocol ValidatableShape {
    /// Appends every violated constraint of this value, and of the values it holds, to `checker`.
    func validate(_ checker: inout ConstraintChecker, parent: String)
}

/// A string enum of the model: open, so an unknown value reaches the constraint checker instead of
/// failing to decode.
public protocol ModelEnum: RawRepresentable<String>, ZeroValued, ConstraintRendered {
    static var allRawValues: [String] { get }
}

/// The input and output of one operation and the errors the model lists for it.
public protocol OperationShape: Sendable {
    associatedtype Input: Decodable & ValidatableShape & Sendable
    associatedtype Output: Encodable & WireEncodable & Sendable
    static var operation: CognitoOperation { get }
    static var errors: [ErrorCode] { get }
}

/// The input or output of an operation that has none: `{}` on the wire.
public struct EmptyShape: Codable, Sendable, Equatable, ValidatableShape {
    public init() {}
    public init(from decoder: any Decoder) throws {}
    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: EmptyCodingKeys.self)
    }
    public func validate(_ checker: inout ConstraintChecker, parent: String) {}
}

/// Coding keys of a structure with no members.
public struct EmptyCodingKeys: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
