import Synchronization

/// Access tokens whose signature has been checked, with their decoded claims: a client presents the same
/// token again and again (GetUser, UpdateUserAttributes, userInfo), and an RS256 verification and a JSON
/// decode cost more than the rest of such a request. Only the signature and the decoding are remembered;
/// expiry, revocation, the user's state and the scope are checked on every use. Bounded: when full, the
/// oldest half is forgotten. Forgotten with the pool's keys (a deleted pool, a reset).
final class VerifiedTokens: Sendable {
    struct Entry: Sendable {
        let poolID: String
        let claims: [String: Claim]
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 16_384) {
        self.capacity = capacity
    }

    subscript(token: String) -> Entry? {
        state.withLock { $0.entries[token] }
    }

    func remember(_ token: String, _ entry: Entry) {
        state.withLock { state in
            guard state.entries.updateValue(entry, forKey: token) == nil else { return }
            state.order.append(token)
            if state.order.count > capacity {
                let dropped = state.order.prefix(capacity / 2)
                for old in dropped { state.entries[old] = nil }
                state.order.removeFirst(dropped.count)
            }
        }
    }

    /// Forgets the tokens of one pool, or all.
    func forget(poolID: String?) {
        state.withLock { state in
            guard let poolID else {
                state = State()
                return
            }
            state.order.removeAll { state.entries[$0]?.poolID == poolID }
            state.entries = state.entries.filter { $0.value.poolID != poolID }
        }
    }
}
