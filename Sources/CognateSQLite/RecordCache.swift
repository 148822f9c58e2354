import CognateStorage
import Synchronization

/// Pools and app clients, which nearly every request reads and few change, kept decoded in memory, and
/// each pool's user count. Writers change entries after their commit, advancing `generation`; readers
/// fill entries with the generation they took before their query, and the fill is dropped when a writer
/// changed anything in between (see `FIFOCache`), so the cache never holds a value older than the
/// database's. It is on only when one process owns the database (SQLite); on a database several nodes
/// share, it keeps nothing.
final class RecordCache: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var pools: [String: UserPool] = [:]
        var clients: [String: AppClient] = [:]
        var userCounts: [String: Int] = [:]
        /// Each pool's domains (DescribeUserPool names them on every call).
        var domains: [String: [UserPoolDomain]] = [:]
    }

    private let state = Mutex(State())
    /// Off when several processes share the database: nothing is kept, every read goes to the database.
    private let enabled: Bool

    init(enabled: Bool = true) { self.enabled = enabled }

    /// Changes made by writers so far; take it before a read whose result may fill the cache.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// A writer's change (`since` nil), or a reader's fill, dropped when a writer came in between.
    private func change(since generation: UInt64?, _ body: (inout State) -> Void) {
        guard enabled else { return }
        state.withLock { state in
            if let generation {
                guard state.generation == generation else { return }
            } else {
                state.generation &+= 1
            }
            body(&state)
        }
    }

    func pool(_ id: String) -> UserPool? { state.withLock { $0.pools[id] } }
    func store(_ pool: UserPool, since generation: UInt64? = nil) { change(since: generation) { $0.pools[pool.id] = pool } }

    func client(_ id: String) -> AppClient? { state.withLock { $0.clients[id] } }
    func store(_ client: AppClient, since generation: UInt64? = nil) { change(since: generation) { $0.clients[client.clientID] = client } }
    func forgetClient(_ id: String) { change(since: nil) { _ = $0.clients.removeValue(forKey: id) } }

    func userCount(_ poolID: String) -> Int? { state.withLock { $0.userCounts[poolID] } }
    func storeUserCount(_ count: Int, poolID: String, since generation: UInt64? = nil) {
        change(since: generation) { $0.userCounts[poolID] = count }
    }
    /// Adjusts a known count by `delta` (a created or deleted user); an unknown count stays unknown.
    func adjustUserCount(_ poolID: String, by delta: Int) {
        change(since: nil) { state in
            if let count = state.userCounts[poolID] { state.userCounts[poolID] = count + delta }
        }
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
            state = State()
            state.generation = generation
        }
    }
}
