/// The credentials that sign Cognate's own calls to AWS APIs (Lambda Invoke, KMS). The settings read them
/// from the usual AWS environment variables; local endpoints accept any value, so without them a
/// placeholder signs.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// What signs when no credentials are given: enough for ministack, moto, LocalStack and SAM.
    public static let placeholder = AWSCredentials(accessKeyID: "cognate-local", secretAccessKey: "cognate-local")
}
