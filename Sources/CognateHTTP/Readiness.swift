import CognateStorage
import Logging
import Synchronization

/// `GET /_cognate/ready`: whether the database answers a read within a deadline. The read races a timer and
/// is not waited for once the timer ends (a database that does not answer must not hold the probe).
enum Readiness {
    static func check(_ storage: any Storage, within deadline: Duration, logger: Logger) async -> Bool {
        let answer = Answer()
        return await withCheckedContinuation { continuation in
            answer.set(continuation)
            Task {
                do {
                    _ = try await storage.listUserPools(PageRequest(limit: 1))
                    answer.finish(true)
                } catch {
                    // Any failure of the read is "not ready"; the log says which.
                    logger.warning("readiness: the database read failed: \(error)")
                    answer.finish(false)
                }
            }
            Task {
                try? await Task.sleep(for: deadline)
                answer.finish(false)
            }
        }
    }

    /// Resumed once, by the read or by the timer.
    final class Answer: Sendable {
        private let state = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        func set(_ continuation: CheckedContinuation<Bool, Never>) { state.withLock { $0 = continuation } }
        func finish(_ value: Bool) {
            state.withLock { continuation in
                continuation?.resume(returning: value)
                continuation = nil
            }
        }
    }
}
