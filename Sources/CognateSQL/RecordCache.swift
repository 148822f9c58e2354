import CognateStorage
import Synchronization

/// Pools, app clients and domains, which nearly every request reads and few change, kept decoded in memory,
/// and each pool's user count. Writers change entries after their commit, advancing `generation`; readers
/// fill entries with the generation they took before their query, and the fill is dropped when a writer
/// changed anything in between (see `FIFOCache`), so the cache never holds a value older than the
/// database's.
///
/// On a database several nodes share, each node's entries are valid for one value of the database's cache
/// epoch (`SQLEngine.cacheEpoch`, advanced in every transaction that changes a cached record): a read
/// first `validate`s with a count read after its request began, which empties the entries when another
/// node has written since, and a node's own writes forget what they change and `advance` the epoch (see
/// each). User counts have their own rule there (see `init`).
final class RecordCache: Sendable {
    private struct Count {
        var value: Int
        /// When the database was read for it (a writer's adjustment keeps the time).
        var read: ContinuousClock.Instant
        /// A caller is reading it again; the others take `value` meanwhile.
        var refreshing = false
    }

    private struct State {
        var generation: UInt64 = 0
        var pools: [String: UserPool] = [:]
        var clients: [String: AppClient] = [:]
        var userCounts: [String: Count] = [:]
        /// Each pool's domains (DescribeUserPool names them on every call).
        var domains: [String: [UserPoolDomain]] = [:]
        /// On a shared database, the cache epoch the entries are valid for (nil: not checked yet, no entries).
        var epoch: Int64?

        /// Forgets every pool, client and domain list (counts keep their own rule).
        mutating func dropEntries() {
            generation &+= 1
            pools.removeAll()
            clients.removeAll()
            domains.removeAll()
        }
    }

    private let state = Mutex(State())
    /// Whether several processes share the database: entries are checked against its cache epoch.
    let shared: Bool
    /// How long a user count read from the database is used, on a shared database (nil: for as long as the
    /// process runs, adjusted by its own writes, as one owner of the database can).
    private let countLifetime: Duration?
    private let now: @Sendable () -> ContinuousClock.Instant

    /// - Parameters:
    ///   - shared: whether several processes share the database (PostgreSQL).
    ///   - countLifetime: on a shared database, how long a counted pool size is used. Counting a large pool's
    ///     users is a scan (a million rows on every DescribeUserPool otherwise), and the figure is
    ///     EstimatedNumberOfUsers, which AWS documents as an estimate: each node uses the count it read for
    ///     this long, adjusted for its own creates and deletes, so it is exact for the node's own writes and
    ///     at most this far behind another node's. Once it is older, one caller counts again while the
    ///     others take the older figure.
    init(shared: Bool = false, countLifetime: Duration = .seconds(2), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.shared = shared
        self.countLifetime = shared ? countLifetime : nil
        self.now = now
    }

    /// Changes made by writers so far; take it before a read whose result may fill the cache.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// A writer's change (`since` nil), or a reader's fill, dropped when a writer came in between.
    private func change(since generation: UInt64?, _ body: (inout State) -> Void) {
        state.withLock { state in
            if let generation {
                guard state.generation == generation else { return }
            } else {
                state.generation &+= 1
            }
            body(&state)
        }
    }

    /// The cache epoch the entries were last checked at (nil: never; on a shared database only).
    var epoch: Int64? { state.withLock { $0.epoch } }

    /// A check with the cache epoch a read saw after its request began: a higher one than the entries'
    /// means another node wrote since they were read, and they are dropped.
    func validate(epoch observed: Int64) {
        state.withLock { state in
            if let epoch = state.epoch, observed <= epoch { return }
            state.dropEntries()
            state.epoch = observed
        }
    }

    /// After this node's commit that advanced the epoch to `written` (its entries already forgotten): the
    /// entries stay valid when no other node's write came between, and are dropped when one did. A lower
    /// count than the entries' is a write they already include.
    func advance(to written: Int64) {
        state.withLock { state in
            guard let epoch = state.epoch, written > epoch else { return }
            if written > epoch + 1 { state.dropEntries() }
            state.epoch = written
        }
    }

    func pool(_ id: String) -> UserPool? { state.withLock { $0.pools[id] } }
    /// A reader's fill (`since` its generation), or a writer's record after its commit. On a shared database
    /// a writer's record is forgotten instead, since commits may reach this point out of their order.
    func store(_ pool: UserPool, since generation: UInt64? = nil) {
        change(since: generation) { $0.pools[pool.id] = generation == nil && shared ? nil : pool }
    }

    func client(_ id: String) -> AppClient? { state.withLock { $0.clients[id] } }
    func store(_ client: AppClient, since generation: UInt64? = nil) {
        change(since: generation) { $0.clients[client.clientID] = generation == nil && shared ? nil : client }
    }
    func forgetClient(_ id: String) { change(since: nil) { _ = $0.clients.removeValue(forKey: id) } }

    /// The pool's user count if known, and whether the caller is to read it from the database (unknown, or
    /// past its lifetime with no other caller reading it: that caller then ends with `storeUserCount` or
    /// `countFailed`).
    func userCount(_ poolID: String) -> (count: Int?, read: Bool) {
        let now = self.now()
        return state.withLock { state in
            guard var count = state.userCounts[poolID] else { return (nil, true) }
            guard let lifetime = countLifetime, now - count.read >= lifetime, !count.refreshing else { return (count.value, false) }
            count.refreshing = true
            state.userCounts[poolID] = count
            return (count.value, true)
        }
    }

    /// A count read from the database (`since` the generation taken before the read), or a writer's.
    func storeUserCount(_ count: Int, poolID: String, since generation: UInt64? = nil) {
        let read = now()
        change(since: generation) { $0.userCounts[poolID] = Count(value: count, read: read) }
        countFailed(poolID)  // a fill dropped for a writer's change leaves the count to be read again
    }

    /// A read of the count ended without storing one: the next caller reads it.
    func countFailed(_ poolID: String) {
        state.withLock { state in state.userCounts[poolID]?.refreshing = false }
    }

    /// Adjusts a known count by `delta` (a created or deleted user); an unknown count stays unknown.
    func adjustUserCount(_ poolID: String, by delta: Int) {
        change(since: nil) { state in state.userCounts[poolID]?.value += delta }
    }

    func domains(_ poolID: String) -> [UserPoolDomain]? { state.withLock { $0.domains[poolID] } }
    func storeDomains(_ domains: [UserPoolDomain], poolID: String, since generation: UInt64) {
        change(since: generation) { $0.domains[poolID] = domains }
    }
    /// After any domain write: domains change rarely, so every pool's list is read again.
    func forgetDomains() { change(since: nil) { $0.domains.removeAll() } }

    /// Forgets a deleted pool with its clients, count and domains.
    func forgetPool(_ id: String) {
        change(since: nil) { state in
            state.pools.removeValue(forKey: id)
            state.userCounts.removeValue(forKey: id)
            state.domains.removeValue(forKey: id)
            state.clients = state.clients.filter { $0.value.poolID != id }
        }
    }

    func clear() {
        change(since: nil) { state in
            let generation = state.generation
            let epoch = state.epoch
            state = State()
            state.generation = generation
            state.epoch = epoch
        }
    }
}
