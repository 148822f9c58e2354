import Hummingbird
import Logging
import NIOCore

/// The request context of Cognate's router: Hummingbird's basic context plus the peer's address, which
/// the throttles of unauthenticated endpoints (the console's sign-in) count by.
public struct CognateRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text (`unknown` when the channel has none, as in-process tests).
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
