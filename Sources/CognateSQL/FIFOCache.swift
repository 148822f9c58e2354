import Synchronization

/// Recently used records, decoded, so reads of hot records skip the query and the JSON decoding.
/// Bounded: past `capacity` entries the oldest inserted is dropped (first in, first out), so memory
/// stays flat however large the pools grow. Each record may also be found by a second key (a user by
/// sub, a refresh token by its origin_jti).
///
/// Writers change entries after their commit (`store`, `forget`…), each change advancing `generation`.
/// A reader may run concurrently with a commit on another connection and read the row as it was before
/// it: so a reader takes `generation` before its query and fills the cache with `fill(_:key:since:)`,
/// which drops the value when any writer changed the cache in between. The cache is thus never older
/// than the database.
final class FIFOCache<Value: Sendable>: Sendable {
    private struct State {
        var generation: UInt64 = 0
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

    /// Changes made by writers so far; take it before a read whose result may fill the cache.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// A writer's change, after its commit.
    func store(_ value: Value, key: String) {
        guard capacity > 0 else { return }
        let second = secondKey(value)
        state.withLock { state in
            state.generation &+= 1
            self.insert(value, key: key, second: second, into: &state)
        }
    }

    /// A reader's result, kept only when no writer changed the cache since `generation` was taken.
    func fill(_ value: Value, key: String, since generation: UInt64) {
        guard capacity > 0 else { return }
        let second = secondKey(value)
        state.withLock { state in
            guard state.generation == generation else { return }
            self.insert(value, key: key, second: second, into: &state)
        }
    }

    private func insert(_ value: Value, key: String, second: String?, into state: inout State) {
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

    func forget(_ key: String) {
        state.withLock { state in
            state.generation &+= 1
            self.remove(key, from: &state)
        }
    }

    /// Forgets every entry the predicate picks (a deleted pool's, a deleted user's).
    func forgetAll(where predicate: (Value) -> Bool) {
        state.withLock { state in
            state.generation &+= 1
            for (key, value) in state.values where predicate(value) { self.remove(key, from: &state) }
        }
    }

    func clear() {
        state.withLock { state in
            let generation = state.generation &+ 1
            state = State(capacity: capacity)
            state.generation = generation
        }
    }

    private func remove(_ key: String, from state: inout State) {
        guard let value = state.values.removeValue(forKey: key) else { return }
        if let second = secondKey(value), state.secondary[second] == key { state.secondary[second] = nil }
    }
}
