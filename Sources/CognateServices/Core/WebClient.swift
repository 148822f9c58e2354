/// Outgoing HTTP for federation: identity providers' discovery documents, key sets, token and user-info
/// endpoints (`HTTPWebClient` in CognateLambda, or a test's stand-in).
public protocol WebClient: Sendable {
    func send(_ request: WebRequest) async throws -> WebResponse
}

public struct WebRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// False: a 3xx answer is returned as it is, never followed.
    public var followsRedirects = true
    /// Most bytes of the answer's body read; a longer one is an error. Nil: the client's own bound.
    public var maxAnswer: Int?
    /// The addresses the host name may resolve to; a name with any other address is not called.
    public var addresses = AddressRule.any

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct WebResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a request could not be made or answered.
public struct WebError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
