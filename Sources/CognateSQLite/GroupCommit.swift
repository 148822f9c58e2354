import SQLKit
import Synchronization

/// Group commit: write transactions that arrive while another batch is being written wait in a queue,
/// and the next batch runs them all in one SQLite transaction — each inside its own savepoint, so one
/// failing rolls back only its own changes — committed with a single fsync. Every writer is answered
/// only after the commit that holds its changes, so acknowledged writes stay durable.
///
/// There is no background task: the writer that finds the queue idle runs the first batch; when it
/// is done and more writers are waiting, it hands the next batch to the first of them.
final class GroupCommit: Sendable {
    /// One queued write transaction, type-erased.
    struct Job: Sendable {
        /// Runs the transaction's body; answers what to do once its changes are committed.
        let run: @Sendable (any SQLDatabase) async throws -> @Sendable () -> Void
        let ticket: Ticket
        let fail: @Sendable (any Error) -> Void
    }

    /// What a waiting writer is told: its transaction is done, or it is its turn to write a batch.
    enum Signal: Sendable {
        case done
        case writeNextBatch
    }

    /// A one-shot signal to a waiting writer.
    final class Ticket: Sendable {
        private let state = Mutex<(signal: Signal?, waiter: CheckedContinuation<Signal, Never>?)>((nil, nil))

        func send(_ signal: Signal) {
            let waiter = state.withLock { state -> CheckedContinuation<Signal, Never>? in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.signal = signal
                return nil
            }
            waiter?.resume(returning: signal)
        }

        func wait() async -> Signal {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Signal? in
                    if let signal = state.signal {
                        state.signal = nil
                        return signal
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private struct State {
        var queue: [Job] = []
        var writing = false
    }

    private let state = Mutex(State())
    let maxBatch: Int

    init(maxBatch: Int = 64) {
        self.maxBatch = maxBatch
    }

    /// Queues `job`; answers true when the caller must write the first batch itself.
    func enqueue(_ job: Job) -> Bool {
        state.withLock { state in
            state.queue.append(job)
            if state.writing { return false }
            state.writing = true
            return true
        }
    }

    /// The next batch, from the front of the queue (the writer's own job is always first).
    func takeBatch() -> [Job] {
        state.withLock { state in
            let batch = Array(state.queue.prefix(maxBatch))
            state.queue.removeFirst(batch.count)
            return batch
        }
    }

    /// After a batch: hands the next one to the first waiting writer, or marks the queue idle.
    func finishBatch() {
        let next = state.withLock { state -> Ticket? in
            guard let first = state.queue.first else {
                state.writing = false
                return nil
            }
            return first.ticket
        }
        next?.send(.writeNextBatch)
    }
}

/// Where a transaction's answer waits until its writer reads it.
final class Outcome<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }
    var result: Result<T, any Error>? { value.withLock { $0 } }
}
