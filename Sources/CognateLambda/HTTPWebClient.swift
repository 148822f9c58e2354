import AsyncHTTPClient
import CognateServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The services' `WebClient` over async-http-client: a bounded wait and a bounded answer, as a server
/// calling other servers on a user's behalf needs. Requests say `User-Agent: Amazon/Cognito`, as Cognito's do.
/// A request may refuse redirects (answered as they come), bound its answer more tightly, and hold the
/// addresses its host resolves to to a rule (client metadata documents: no special-use address).
public struct HTTPWebClient: WebClient {
    let client: HTTPClient
    let timeout: TimeAmount
    let logger: Logger
    /// HTTPS with these certificates trusted as well as the system's (`--ca-file`), or the client's default.
    let tls: TLSConfiguration?
    static let maxAnswer = 1024 * 1024
    /// The client of requests that must not follow redirects: one for the process, as `HTTPClient.shared` is.
    static let withoutRedirects = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// `trustedCertificates`: a PEM file of CA certificates to trust besides the system's.
    public init(timeout: TimeAmount = .seconds(5), trustedCertificates: String? = nil, logger: Logger) {
        self.client = HTTPClient.shared
        self.timeout = timeout
        self.logger = logger
        if let trustedCertificates {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = [.file(trustedCertificates)]
            self.tls = tls
        } else {
            self.tls = nil
        }
    }

    public func send(_ request: WebRequest) async throws -> WebResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: "Amazon/Cognito")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        if let tls { outgoing.tlsConfiguration = tls }
        if request.addresses != .any { try await checkAddresses(request) }
        let client = request.followsRedirects ? client : Self.withoutRedirects
        let limit = min(request.maxAnswer ?? Self.maxAnswer, Self.maxAnswer)
        // A read may be sent again when a kept-alive connection from the pool turns out closed by the server
        // (each such connection leaves the pool as it fails); anything else is answered as it came.
        let attempts = ["GET", "HEAD"].contains(request.method) ? 3 : 1
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await execute(outgoing, on: client, limit: limit)
            } catch let error as HTTPClientError where error == .remoteConnectionClosed && attempt < attempts {
                logger.debug("\(request.url): a pooled connection was closed; sending again")
            } catch let error as NIOTooManyBytesError {
                throw WebError("the answer is longer than \(limit) bytes (\(error))")
            } catch {
                throw WebError("\(request.url) could not be reached: \(error)")
            }
        }
    }

    private func execute(_ outgoing: HTTPClientRequest, on client: HTTPClient, limit: Int) async throws -> WebResponse {
        let response = try await client.execute(outgoing, timeout: timeout, logger: logger)
        let body = try await response.body.collect(upTo: limit)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return WebResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
    }

    /// Resolves the URL's host and refuses it when any of its addresses breaks the request's rule. The
    /// connection resolves the name again: a name whose answers change between the two (DNS rebinding) is
    /// for the network's egress rules to stop, as the README says.
    private func checkAddresses(_ request: WebRequest) async throws {
        guard let url = URL(string: request.url), let host = url.host, !host.isEmpty else {
            throw WebError("\(request.url) has no host")
        }
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses = try await NIOThreadPool.singleton.runIfActive { Self.resolve(name) }
        guard !addresses.isEmpty else { throw WebError("\(host) could not be resolved") }
        if let refused = addresses.first(where: { !request.addresses.permits($0) }) {
            throw WebError("\(host) resolves to \(refused), a special-use address Cognate does not fetch from")
        }
    }

    /// Every address `host` resolves to, as text.
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = entry.pointee.ai_addr,
                getnameinfo(address, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
