import CognateStorage
import CognitoModel

/// Shorthands for the errors handlers answer, worded as Cognito words them.
enum Errors {
    static func invalidParameter(_ message: String) -> CognitoError {
        CognitoError(.invalidParameterException, message)
    }

    static func poolNotFound(_ id: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "User pool \(id) does not exist.")
    }

    static func clientNotFound(_ id: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "User pool client \(id) does not exist.")
    }

    static let userNotFound = CognitoError(.userNotFoundException, "User does not exist.")
    /// Too many codes or wrong guesses (codes, ChangePassword's previous password) for now.
    static let attemptLimitExceeded = CognitoError(.limitExceededException, "Attempt limit exceeded, please try after some time.")
    static let groupNotFound = CognitoError(.resourceNotFoundException, "Group not found.")
    static let invalidToken = CognitoError(.invalidParameterException, "Invalid pagination token.")
}

extension StorageError {
    /// Maps `notFound` to `missing` and a bad page token to InvalidParameterException; other errors pass.
    @discardableResult
    static func map<T>(notFound missing: CognitoError, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch StorageError.notFound {
            throw missing
        } catch StorageError.invalidPageToken {
            throw Errors.invalidToken
        }
    }
}
