import CognateStorage
import CognitoModel

/// Before Cognate calls out (a Lambda function, an identity provider's token endpoint), which no rerun can
/// take back: the request's provisional cached answers must hold (`CacheValidation.confirm()`). A stale
/// request stops here, and the server runs it again; a database that cannot be read is a server error.
enum CallingOut {
    static func confirmCachedAnswers() async throws(CognitoError) {
        do {
            try await CacheValidation.confirmCurrent()
        } catch let error as any CognitoErrorConvertible {
            throw error.cognitoError ?? CognitoError(.internalErrorException, "An internal error occurred.")
        } catch {
            throw CognitoError(.internalErrorException, "An internal error occurred.")
        }
    }
}
