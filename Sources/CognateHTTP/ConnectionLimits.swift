import NIOCore
import NIOHTTPTypes
import Synchronization

/// How long and how many connections the server holds. Without these bounds a client that opens sockets
/// and sends nothing, or sends a request a byte at a time, keeps them forever, and a thousand such sockets
/// use up the process's descriptors and shut every other client out.
public struct ConnectionLimits: Sendable {
    /// A connection with no request in progress is closed after this long. It also bounds how long the
    /// server waits for a request's head: the decoder reports nothing until the head is complete.
    public var idleTimeout: Duration
    /// A request's body must arrive whole within this long of its head.
    public var requestTimeout: Duration
    /// Connections beyond this many at once are closed as soon as they are accepted.
    public var maxConnections: Int

    public init(idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30), maxConnections: Int = 512) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maxConnections = maxConnections
    }
}

/// The count of open connections, shared by every connection's `ConnectionGuard`.
final class ConnectionCounter: Sendable {
    let open = Atomic<Int>(0)
}

/// One per connection: closes it when it is one too many, or when a request's body is still not complete
/// `requestTimeout` after its head.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private var counted = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        let open = counter.open.add(1, ordering: .relaxed).newValue
        if open > limits.maxConnections { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if counted {
            counted = false
            counter.open.subtract(1, ordering: .relaxed)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
            deadline = loop.scheduleTask(in: TimeAmount(limits.requestTimeout)) { context.close(promise: nil) }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }
}
