import CognitoModel
import Synchronization

/// One request's check of the caches that nodes sharing a database keep. A node may answer from its cache
/// only with the database's change count (its cache epoch) read after the request began: then every write
/// acknowledged before the request, on any node, is either in the cache or has emptied it.
///
/// Checked first (the default): the first cached read of a request reads the count, and the later ones
/// reuse it, so a request pays one round trip for all its cached records. Without a scope (in-process
/// callers) every cached read checks for itself.
///
/// Checked provisionally (a request the server can run again, its body in memory): a cached read answers at
/// once with the count the cache was last checked at, and the request's reads by key bring the database's
/// count back with their rows, in the same round trip. The answers stand if the count the request then
/// sees is the one they were given at. Before anything the request cannot take back (a write, a call out)
/// and before its answer leaves, `confirm()` makes sure of that, reading the count itself only when no
/// read brought it. When another node's write came in between, the request is stale: what it did is
/// dropped, and the server runs it again, checked first.
public final class CacheValidation: Sendable {
    @TaskLocal public static var current: CacheValidation?

    /// The request answered from a cache that another node's write made stale; it must run again.
    public struct Stale: RequestRunsAgain {
        public init() {}
    }

    private struct State {
        /// The count a read saw after the request began.
        var observed: Int64?
        /// The counts the provisional answers were given at, and how to read the count.
        var lowest: Int64?
        var highest: Int64?
        var read: (@Sendable () async throws -> Int64)?
        var stale = false
    }

    private let state = Mutex(State())
    /// Whether cached reads may answer before the count is read (the server can run the request again).
    public let provisional: Bool

    public init(provisional: Bool = false) {
        self.provisional = provisional
    }

    /// The count this request read, or a fresh one from `read`, kept for the rest of the request.
    public func epoch(_ read: () async throws -> Int64) async throws -> Int64 {
        if let known = state.withLock({ $0.observed }) { return known }
        let value = try await read()
        try observe(value)
        return state.withLock { $0.observed } ?? value
    }

    /// The count a cached read is checked against: the one this request saw; or, provisionally, `cached`,
    /// the count the cache was last checked at (nil: never, then the count is read now); or a fresh one.
    public func epoch(cached: Int64?, _ read: @escaping @Sendable () async throws -> Int64) async throws -> Int64 {
        let answer: Int64? = try state.withLock { state in
            if state.stale { throw Stale() }
            if let observed = state.observed { return observed }
            guard provisional, let cached else { return nil }
            state.lowest = min(state.lowest ?? cached, cached)
            state.highest = max(state.highest ?? cached, cached)
            state.read = read
            return cached
        }
        if let answer { return answer }
        return try await epoch(read)
    }

    /// A count a read saw after the request began (a read by key brings it with its rows). When it differs
    /// from one a provisional answer was given at, the request is stale (`Stale` is thrown, and remembered).
    public func observe(_ epoch: Int64) throws(Stale) {
        let stale = state.withLock { state in
            if state.observed == nil {
                state.observed = epoch
                if let lowest = state.lowest, let highest = state.highest, lowest != epoch || highest != epoch { state.stale = true }
            }
            return state.stale
        }
        if stale { throw Stale() }
    }

    /// Before an effect the request cannot take back, and before its answer: throws `Stale` when a
    /// provisional answer is not good. Reads the count only when the request gave one and no read saw it.
    public func confirm() async throws {
        let read: (@Sendable () async throws -> Int64)? = try state.withLock { state in
            if state.stale { throw Stale() }
            return state.observed == nil && state.lowest != nil ? state.read : nil
        }
        guard let read else { return }
        try observe(try await read())
    }

    /// Whether the request must run again.
    public var isStale: Bool { state.withLock { $0.stale } }

    /// `confirm()` for the current request, if it has a scope.
    public static func confirmCurrent() async throws {
        try await current?.confirm()
    }
}
