import AsyncHTTPClient
import CognateServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The services' `WebClient` over async-http-client: a bounded wait and a bounded answer, as a server
/// calling other servers on a user's behalf needs. Requests say `User-Agent: Amazon/Cognito`, as Cognito's do.
public struct HTTPWebClient: WebClient {
    let client: HTTPClient
    let timeout: TimeAmount
    let logger: Logger
    static let maxAnswer = 1024 * 1024

    public init(timeout: TimeAmount = .seconds(5), logger: Logger) {
        self.client = HTTPClient.shared
        self.timeout = timeout
        self.logger = logger
    }

    public func send(_ request: WebRequest) async throws -> WebResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: "Amazon/Cognito")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        // A read may be sent again when a kept-alive connection from the pool turns out closed by the server
        // (each such connection leaves the pool as it fails); anything else is answered as it came.
        let attempts = ["GET", "HEAD"].contains(request.method) ? 3 : 1
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await execute(outgoing)
            } catch let error as HTTPClientError where error == .remoteConnectionClosed && attempt < attempts {
                logger.debug("\(request.url): a pooled connection was closed; sending again")
            } catch {
                throw WebError("\(request.url) could not be reached: \(error)")
            }
        }
    }

    private func execute(_ outgoing: HTTPClientRequest) async throws -> WebResponse {
        let response = try await client.execute(outgoing, timeout: timeout, logger: logger)
        let body = try await response.body.collect(upTo: Self.maxAnswer)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return WebResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
    }
}
