import Foundation
import Synchronization

/// Counts failures by key (a client address, an access key ID) in a fixed window and says when a key has
/// had too many: then attempts are refused until its window ends, whether they would succeed or not, so
/// guessing a secret goes no faster than `limit` per `window`. Memory is bounded: past `capacity` keys,
/// those whose window has ended go first, then the rest are dropped (a key that must never be forgotten,
/// such as a configured access key, belongs to a small set the caller bounds itself).
final class FailureThrottle: Sendable {
    private struct Entry {
        var windowStart: Date
        var failures: Int
    }

    let limit: Int
    let window: TimeInterval
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(limit: Int, window: TimeInterval, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Seconds until `key` may try again, or nil when it may now.
    func retryAfter(_ key: String, now: Date) -> Int? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            let ends = entry.windowStart.addingTimeInterval(window)
            guard now < ends else {
                entries[key] = nil
                return nil
            }
            return entry.failures >= limit ? max(1, Int(ends.timeIntervalSince(now).rounded(.up))) : nil
        }
    }

    func recordFailure(_ key: String, now: Date) {
        entries.withLock { entries in
            if var entry = entries[key], now < entry.windowStart.addingTimeInterval(window) {
                entry.failures += 1
                entries[key] = entry
                return
            }
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.windowStart.addingTimeInterval(window) }
                if entries.count >= capacity {
                    for key in entries.keys.prefix(entries.count - capacity / 2) { entries[key] = nil }
                }
            }
            entries[key] = Entry(windowStart: now, failures: 1)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
