import Synchronization

/// At most `limit` of something at once on this node (client metadata document fetches): an anonymous
/// flood of authorize requests for URLs a policy accepts cannot hold more of Cognate's outgoing connections.
public final class InFlightLimit: Sendable {
    let limit: Int
    private let count = Mutex(0)

    public init(_ limit: Int) { self.limit = limit }

    /// Runs `body` when a place is free; nil, without running it, when none is.
    func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T? {
        let admitted = count.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        defer { count.withLock { $0 -= 1 } }
        return try await body()
    }
}
