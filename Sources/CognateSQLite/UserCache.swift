import CognateStorage
import Synchronization

/// Recently used users, decoded, so reads of a hot user skip the query and the JSON decoding. Bounded:
/// past `capacity` entries the oldest inserted is dropped (first in, first out), so memory stays flat
/// however large the pools grow. Entries are written only while the storage's lock is held — after a
/// commit, or after a read from the database — so the cache is never older than the database.
final class UserCache: Sendable {
    private struct Key: Hashable {
        var poolID: String
        var name: String
    }

    private struct State {
        var users: [Key: User] = [:]
        /// (pool, sub) → username key.
        var subs: [Key: String] = [:]
        /// Insertion order for eviction; `hand` is the next slot to reuse.
        var ring: [Key?]
        var hand = 0

        init(capacity: Int) { ring = Array(repeating: nil, count: capacity) }
    }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        state = Mutex(State(capacity: capacity))
    }

    func user(poolID: String, usernameKey: String) -> User? {
        state.withLock { $0.users[Key(poolID: poolID, name: usernameKey)] }
    }

    func user(poolID: String, sub: String) -> User? {
        state.withLock { state in
            state.subs[Key(poolID: poolID, name: sub)].flatMap { state.users[Key(poolID: poolID, name: $0)] }
        }
    }

    func store(_ user: User) {
        guard capacity > 0 else { return }
        let key = Key(poolID: user.poolID, name: user.usernameKey)
        state.withLock { state in
            if let previous = state.users.updateValue(user, forKey: key) {
                if previous.sub != user.sub { state.subs[Key(poolID: user.poolID, name: previous.sub)] = nil }
                state.subs[Key(poolID: user.poolID, name: user.sub)] = user.usernameKey
                return
            }
            state.subs[Key(poolID: user.poolID, name: user.sub)] = user.usernameKey
            if let evicted = state.ring[state.hand] { Self.remove(evicted, from: &state) }
            state.ring[state.hand] = key
            state.hand = (state.hand + 1) % state.ring.count
        }
    }

    func forget(poolID: String, usernameKey: String) {
        state.withLock { Self.remove(Key(poolID: poolID, name: usernameKey), from: &$0) }
    }

    /// Forgets every user of a deleted pool.
    func forgetPool(_ poolID: String) {
        state.withLock { state in
            for key in state.users.keys where key.poolID == poolID { Self.remove(key, from: &state) }
        }
    }

    func clear() {
        state.withLock { $0 = State(capacity: capacity) }
    }

    /// Removes the entry; its ring slot stays until reused (a stale slot removes nothing).
    private static func remove(_ key: Key, from state: inout State) {
        guard let user = state.users.removeValue(forKey: key) else { return }
        let subKey = Key(poolID: key.poolID, name: user.sub)
        if state.subs[subKey] == key.name { state.subs[subKey] = nil }
    }
}
