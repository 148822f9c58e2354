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
