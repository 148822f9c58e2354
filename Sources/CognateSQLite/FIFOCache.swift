import Synchronization

/// Recently used records, decoded, so reads of hot records skip the query and the JSON decoding.
/// Bounded: past `capacity` entries the oldest inserted is dropped (first in, first out), so memory
/// stays flat however large the pools grow. Each record may also be found by a second key (a user by
/// sub, a refresh token by its origin_jti).
///
/// The storage writes entries only while holding its lock — after a commit, or after a read from the
/// database — so the cache is never older than the database.
final class FIFOCache<Value: Sendable>: Sendable {
    private struct State {
        var values: [String: Value] = [:]
        /// Second key → primary key.
        var secondary: [String: String] = [:]
        /// Insertion order for eviction; `hand` is the next slot to reuse. A slot whose entry was
        /// removed stays until reused, and then removes nothing (or, at worst, a newer entry early).
        var ring: [String?]
        var hand = 0

        init(capacity: Int) { ring = Array(repeating: nil, count: capacity) }
    }

    private let state: Mutex<State>
    private let secondKey: @Sendable (Value) -> String?
    let capacity: Int

    init(capacity: Int, secondKey: @escaping @Sendable (Value) -> String? = { _ in nil }) {
        self.capacity = capacity
        self.secondKey = secondKey
        state = Mutex(State(capacity: max(capacity, 0)))
    }

    subscript(key: String) -> Value? {
        state.withLock { $0.values[key] }
    }

    func value(secondKey: String) -> Value? {
        state.withLock { state in state.secondary[secondKey].flatMap { state.values[$0] } }
    }

    func store(_ value: Value, key: String) {
        guard capacity > 0 else { return }
        let second = secondKey(value)
        state.withLock { state in
            if let previous = state.values.updateValue(value, forKey: key) {
                if let old = secondKey(previous), old != second { state.secondary[old] = nil }
                if let second { state.secondary[second] = key }
                return
            }
            if let second { state.secondary[second] = key }
            if let evicted = state.ring[state.hand] { remove(evicted, from: &state) }
            state.ring[state.hand] = key
            state.hand = (state.hand + 1) % state.ring.count
        }
    }

    func forget(_ key: String) {
        state.withLock { remove(key, from: &$0) }
    }

    /// Forgets every entry the predicate picks (a deleted pool's, a deleted user's).
    func forgetAll(where predicate: (Value) -> Bool) {
        state.withLock { state in
            for (key, value) in state.values where predicate(value) { remove(key, from: &state) }
        }
    }

    func clear() {
        state.withLock { $0 = State(capacity: capacity) }
    }

    private func remove(_ key: String, from state: inout State) {
        guard let value = state.values.removeValue(forKey: key) else { return }
        if let second = secondKey(value), state.secondary[second] == key { state.secondary[second] = nil }
    }
}
