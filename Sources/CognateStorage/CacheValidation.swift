import Synchronization

/// One request's check of the caches that nodes sharing a database keep. A node may answer from its cache
/// only with the database's change count (its cache epoch) read after the request began: then every write
/// acknowledged before the request, on any node, is either in the cache or has emptied it. The first cached
/// read of a request reads the count and the later ones reuse it, so a request pays one round trip for all
/// its cached records. Without a scope (in-process callers) every cached read checks for itself.
public final class CacheValidation: Sendable {
    @TaskLocal public static var current: CacheValidation?

    private let observed = Mutex<Int64?>(nil)

    public init() {}

    /// The count this request read, or a fresh one from `read`, kept for the rest of the request.
    public func epoch(_ read: () async throws -> Int64) async throws -> Int64 {
        if let known = observed.withLock({ $0 }) { return known }
        let value = try await read()
        observed.withLock { $0 = $0 ?? value }
        return value
    }
}
