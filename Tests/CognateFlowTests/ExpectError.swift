import CognitoModel
import Testing

/// Expects `body` to fail with the Cognito error `code`, whatever its message.
func expectError<T>(_ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async {
    let error = await #expect(throws: CognitoError.self, sourceLocation: sourceLocation) { _ = try await body() }
    #expect(error?.code == code, sourceLocation: sourceLocation)
}
