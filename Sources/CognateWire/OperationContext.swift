/// What a handler knows of the request besides its input.
public struct OperationContext: Sendable {
    /// The region for new IDs and ARNs: the SigV4 credential scope's, else the server's default.
    public var region: String
    /// The `x-amzn-RequestId` of this request.
    public var requestID: String

    public init(region: String, requestID: String) {
        self.region = region
        self.requestID = requestID
    }
}
