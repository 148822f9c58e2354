import Foundation
import Synchronization

/// The wall clock moved by an offset that test suites set through `/_cognate/clock`, so they can see codes,
/// temporary passwords and tokens expire without waiting.
public final class OffsetClock: Clock, Sendable {
    private let offsetSeconds = Mutex<TimeInterval>(0)
    private let base: any Clock

    public init(base: any Clock = SystemClock()) { self.base = base }

    public func now() -> Date { base.now().addingTimeInterval(offset) }

    public var offset: TimeInterval { offsetSeconds.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { offsetSeconds.withLock { $0 += seconds } }

    public func setOffset(_ seconds: TimeInterval) { offsetSeconds.withLock { $0 = seconds } }
}
