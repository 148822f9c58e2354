/// What a handler knows of the request besides its input.
public struct OperationContext: Sendable {
    /// The region for new IDs and ARNs: the SigV4 credential scope's, else the server's default.
    public var region: String
    /// The `x-amzn-RequestId` of this request.
    public var requestID: String
    /// True when the request carries IAM credentials: a SigV4 signature that was verified, or — when
    /// Cognate checks no signatures — any SigV4 signature. Operations that IAM or a client secret may
    /// authorize (GetDerivedToken) ask for the secret only without it.
    public var iamAuthorized: Bool

    public init(region: String, requestID: String, iamAuthorized: Bool = false) {
        self.region = region
        self.requestID = requestID
        self.iamAuthorized = iamAuthorized
    }
}
