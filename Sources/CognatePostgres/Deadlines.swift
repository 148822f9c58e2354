import Synchronization

/// The deadlines of the leases and transactions a `PostgresEngine` has in flight, watched by one timer for
/// the whole engine instead of a timer task per request: a deadline is an entry added when a request starts
/// waiting and removed when it is answered, and every `tick` the timer runs `expire` of the entries whose
/// time has passed (each once, after removing it).
final class Deadlines: Sendable {
    typealias ID = UInt64

    private struct Entry {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var next: ID = 0
        var entries: [ID: Entry] = [:]
    }

    private let state = Mutex(State())
    private let watcher = Mutex<Task<Void, Never>?>(nil)
    let tick: Duration

    init(tick: Duration = .milliseconds(100)) {
        self.tick = tick
        let task = Task { [weak self, tick] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard let self else { return }
                self.expireDue(at: .now)
            }
        }
        watcher.withLock { $0 = task }
    }

    deinit { stop() }

    /// Runs `expire` once `duration` has passed, unless `remove` comes first.
    func add(in duration: Duration, _ expire: @escaping @Sendable () -> Void) -> ID {
        let due = ContinuousClock.now + duration
        return state.withLock { state in
            state.next &+= 1
            state.entries[state.next] = Entry(due: due, expire: expire)
            return state.next
        }
    }

    func remove(_ id: ID) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Runs (outside the lock) the deadlines that have passed at `now`; answers how many.
    @discardableResult
    func expireDue(at now: ContinuousClock.Instant) -> Int {
        let due: [Entry] = state.withLock { state in
            let passed = state.entries.filter { $0.value.due <= now }
            for id in passed.keys { state.entries.removeValue(forKey: id) }
            return Array(passed.values)
        }
        for entry in due { entry.expire() }
        return due.count
    }

    var count: Int { state.withLock { $0.entries.count } }

    func stop() {
        watcher.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}
