import Foundation

/// The source of randomness for IDs, secrets and passwords, injected so tests can make it repeatable.
public protocol RandomSource: Sendable {
    /// Uniformly random bytes.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's cryptographically secure generator.
public struct SystemRandom: RandomSource {
    public init() {}
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(count + 7)
        // Eight bytes per draw: each draw is a system call.
        while out.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { out.append(contentsOf: $0) }
        }
        out.removeLast(out.count - count)
        return out
    }
}

extension RandomSource {
    /// A uniform integer in `0..<bound`, by rejection sampling (no modulo bias).
    public func int(below bound: Int) -> Int {
        precondition(bound > 0)
        let n = UInt64(bound)
        let limit = UInt64.max - (UInt64.max % n)
        while true {
            let v = bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if v < limit { return Int(v % n) }
        }
    }

    /// A string of `count` characters drawn uniformly from `alphabet`.
    public func string(_ count: Int, from alphabet: [Character]) -> String {
        String((0..<count).map { _ in alphabet[int(below: alphabet.count)] })
    }

    /// A version-4 UUID, lowercased as Cognito writes `sub`.
    public func uuid() -> String {
        var b = bytes(16)
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in b.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
