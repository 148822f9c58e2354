import CognateStorage
import Synchronization

/// Pools and app clients, which nearly every request reads and few change, kept decoded in memory, and
/// each pool's user count. Entries are written only while the storage's lock is held (after a commit, or
/// after a read from the database), so the cache never holds a value older than the database's. One
/// process owns the database; a backend shared by several processes would need invalidation instead.
final class RecordCache: Sendable {
    private struct State {
        var pools: [String: UserPool] = [:]
        var clients: [String: AppClient] = [:]
        var userCounts: [String: Int] = [:]
    }

    private let state = Mutex(State())

    func pool(_ id: String) -> UserPool? { state.withLock { $0.pools[id] } }
    func store(_ pool: UserPool) { state.withLock { $0.pools[pool.id] = pool } }

    func client(_ id: String) -> AppClient? { state.withLock { $0.clients[id] } }
    func store(_ client: AppClient) { state.withLock { $0.clients[client.clientID] = client } }
    func forgetClient(_ id: String) { state.withLock { _ = $0.clients.removeValue(forKey: id) } }

    func userCount(_ poolID: String) -> Int? { state.withLock { $0.userCounts[poolID] } }
    func storeUserCount(_ count: Int, poolID: String) { state.withLock { $0.userCounts[poolID] = count } }
    /// Adjusts a known count by `delta` (a created or deleted user); an unknown count stays unknown.
    func adjustUserCount(_ poolID: String, by delta: Int) {
        state.withLock { state in
            if let count = state.userCounts[poolID] { state.userCounts[poolID] = count + delta }
        }
    }

    /// Forgets a deleted pool with its clients and count.
    func forgetPool(_ id: String) {
        state.withLock { state in
            state.pools.removeValue(forKey: id)
            state.userCounts.removeValue(forKey: id)
            state.clients = state.clients.filter { $0.value.poolID != id }
        }
    }

    func clear() { state.withLock { $0 = State() } }
}
