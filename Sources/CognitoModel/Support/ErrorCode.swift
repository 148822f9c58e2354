/// An AWS error code: the `__type` of an error body. The model's codes are generated as static members.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Protocol-level codes every AWS JSON service answers with; they are not in the model.
    public static let serializationException = ErrorCode(rawValue: "SerializationException")
    public static let unknownOperationException = ErrorCode(rawValue: "UnknownOperationException")
    public static let requestEntityTooLargeException = ErrorCode(rawValue: "RequestEntityTooLargeException")
    /// SigV4 request authentication.
    public static let missingAuthenticationTokenException = ErrorCode(rawValue: "MissingAuthenticationTokenException")
    public static let unrecognizedClientException = ErrorCode(rawValue: "UnrecognizedClientException")
    public static let invalidSignatureException = ErrorCode(rawValue: "InvalidSignatureException")
    public static let incompleteSignatureException = ErrorCode(rawValue: "IncompleteSignatureException")

    /// Whether the code is a server fault, answered with HTTP 500.
    public var isFault: Bool { Self.modelled[self] ?? false }
}

/// An error a handler throws: it leaves as `{"__type": code, "message": message}`.
public struct CognitoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// An error of a lower layer that has an AWS error of its own to answer with (nil: an internal error).
public protocol CognitoErrorConvertible: Error {
    var cognitoError: CognitoError? { get }
}
