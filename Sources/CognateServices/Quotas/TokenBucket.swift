/// A token bucket: holds up to `capacity` requests' worth of tokens and gains `rate` a second; a request
/// takes one. Full at first, so a whole second's requests may come at once.
struct TokenBucket: Sendable {
    private(set) var tokens: Double
    private(set) var updated: Double
    private(set) var rate: Double

    /// `rate` requests a second, up to `rate` at once (at least one).
    init(rate: Double, now: Double) {
        self.rate = rate
        tokens = Self.capacity(rate)
        updated = now
    }

    static func capacity(_ rate: Double) -> Double { max(1, rate) }

    /// Brings the bucket to `now` at `rate` (a changed rate applies from now on; time that runs backwards
    /// adds nothing) and says whether it holds a token.
    mutating func refill(rate: Double, now: Double) -> Bool {
        self.rate = rate
        if now > updated {
            tokens += (now - updated) * rate
            updated = now
        }
        tokens = min(Self.capacity(rate), tokens)
        return tokens >= 1
    }

    mutating func take() { tokens -= 1 }

    /// Whether the bucket is full at `now`: then it is the same as a new one, and can be forgotten.
    func isFull(now: Double) -> Bool {
        tokens + max(0, now - updated) * rate >= Self.capacity(rate)
    }
}
