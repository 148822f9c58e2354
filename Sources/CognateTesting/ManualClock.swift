import CognateServices
import Foundation
import Synchronization

/// A clock that stands still until a test moves it: expiries, lockouts and TOTP windows without waiting.
public final class ManualClock: CognateServices.Clock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
