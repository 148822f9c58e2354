/// Modular arithmetic for one odd modulus in Montgomery form, on fixed-width little-endian 64-bit limbs.
///
/// SRP spends its time in 3072-bit modular exponentiations with 256-bit exponents. This keeps them
/// cheap: no allocation inside the multiply loop, a separate squaring routine, and a fixed 4-bit window
/// whose table lookups read every entry, so the time taken does not depend on the (secret) exponent.
public struct Montgomery: Sendable {
    /// The modulus, least significant limb first.
    public let modulus: [UInt64]
    /// Number of 64-bit limbs.
    public let width: Int
    /// -modulus⁻¹ mod 2⁶⁴.
    let n0inv: UInt64
    /// R mod N, with R = 2^(64·width): the Montgomery form of 1.
    let rModN: [UInt64]
    /// R² mod N: multiplying by it moves a number into Montgomery form.
    let r2ModN: [UInt64]

    /// - Parameter modulus: an odd modulus, big-endian bytes.
    public init(modulus bytes: [UInt8]) {
        let limbs = Self.limbs(fromBigEndian: bytes, width: (bytes.count + 7) / 8)
        precondition(limbs[0] & 1 == 1, "Montgomery arithmetic needs an odd modulus")
        modulus = limbs
        width = limbs.count
        var inv: UInt64 = 1
        for _ in 0..<7 { inv = inv &* (2 &- limbs[0] &* inv) }
        n0inv = 0 &- inv
        // 2^k mod N by doubling: R mod N after 64·width doublings, R² mod N after twice as many.
        var x = [UInt64](repeating: 0, count: limbs.count)
        x[0] = 1
        for _ in 0..<(64 * limbs.count) { Self.doubleMod(&x, limbs) }
        rModN = x
        for _ in 0..<(64 * limbs.count) { Self.doubleMod(&x, limbs) }
        r2ModN = x
    }

    // MARK: Conversions

    /// Little-endian limbs of a big-endian byte string, zero-extended or truncated to `width` limbs.
    public static func limbs(fromBigEndian bytes: [UInt8], width: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: width)
        var limb = 0
        var shift: UInt64 = 0
        for byte in bytes.reversed() {
            if limb >= width { break }
            out[limb] |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                shift = 0
                limb += 1
            }
        }
        return out
    }

    /// Big-endian bytes of little-endian limbs, exactly `8 · limbs.count` long.
    public static func bigEndianBytes(_ limbs: [UInt64]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(limbs.count * 8)
        for limb in limbs.reversed() {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift)))
            }
        }
        return out
    }

    /// `value` reduced below the modulus, for a value below 2·modulus (anything of the modulus' width
    /// whose top bit is set qualifies).
    public func reducedOnce(_ value: [UInt64]) -> [UInt64] {
        var out = value
        Self.subtractIfNotLess(&out, modulus, extraHighLimb: 0)
        return out
    }

    public func isZero(_ value: [UInt64]) -> Bool { value.allSatisfy { $0 == 0 } }

    // MARK: Arithmetic on numbers below the modulus

    /// a · b mod N.
    public func multiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let am = montMul(a, r2ModN)
        return montMul(am, b)
    }

    /// (a + b) mod N.
    public func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: width)
        var carry: UInt64 = 0
        for i in 0..<width {
            let (s1, o1) = a[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            out[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        Self.subtractIfNotLess(&out, modulus, extraHighLimb: carry)
        return out
    }

    /// (a − b) mod N.
    public func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: width)
        var borrow: UInt64 = 0
        for i in 0..<width {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        if borrow != 0 {
            var carry: UInt64 = 0
            for i in 0..<width {
                let (s1, o1) = out[i].addingReportingOverflow(modulus[i])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                out[i] = s2
                carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            }
        }
        return out
    }

    /// base^exponent mod N, for a base below the modulus and a big-endian exponent of any length.
    public func power(_ base: [UInt64], _ exponent: [UInt8]) -> [UInt64] {
        let n = width
        // Table of base^0 … base^15 in Montgomery form.
        var table = [UInt64](repeating: 0, count: 16 * n)
        let baseM = montMul(base, r2ModN)
        table.withUnsafeMutableBufferPointer { t in
            for i in 0..<n { t[i] = rModN[i] }
            for i in 0..<n { t[n + i] = baseM[i] }
            for k in 2..<16 {
                let previous = Array(t[((k - 1) * n)..<(k * n)])
                let next = montMul(previous, baseM)
                for i in 0..<n { t[k * n + i] = next[i] }
            }
        }
        var result = rModN
        var scratch = [UInt64](repeating: 0, count: 2 * n + 2)
        var selected = [UInt64](repeating: 0, count: n)
        var first = true
        for byte in exponent {
            for half in 0..<2 {
                let nibble = half == 0 ? byte >> 4 : byte & 0x0F
                if !first {
                    for _ in 0..<4 { square(&result, &scratch) }
                }
                first = false
                Self.select(table, index: Int(nibble), width: n, into: &selected)
                multiplyInPlace(&result, selected, &scratch)
            }
        }
        var one = [UInt64](repeating: 0, count: n)
        one[0] = 1
        return montMul(result, one)
    }

    // MARK: Montgomery core

    /// a · b · R⁻¹ mod N (CIOS).
    func montMul(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = a
        var scratch = [UInt64](repeating: 0, count: 2 * width + 2)
        multiplyInPlace(&out, b, &scratch)
        return out
    }

    /// a ← a · b · R⁻¹ mod N.
    @inline(__always)
    func multiplyInPlace(_ a: inout [UInt64], _ b: [UInt64], _ scratch: inout [UInt64]) {
        let n = width
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                modulus.withUnsafeBufferPointer { np in
                    scratch.withUnsafeMutableBufferPointer { tp in
                        for i in 0..<(n + 2) { tp[i] = 0 }
                        for i in 0..<n {
                            let bi = bp[i]
                            var carry: UInt64 = 0
                            for j in 0..<n {
                                let (hi, lo) = ap[j].multipliedFullWidth(by: bi)
                                let (s1, c1) = lo.addingReportingOverflow(tp[j])
                                let (s2, c2) = s1.addingReportingOverflow(carry)
                                tp[j] = s2
                                carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                            }
                            let (s, c) = tp[n].addingReportingOverflow(carry)
                            tp[n] = s
                            tp[n + 1] = c ? 1 : 0
                            Self.reduceStep(tp, np, n, n0inv)
                        }
                        for i in 0..<n { ap[i] = tp[i] }
                        Self.finalSubtract(ap, np, n, extra: tp[n], diff: tp)
                    }
                }
            }
        }
    }

    /// a ← a² · R⁻¹ mod N: the full square (each cross product once, then doubled), then n reduction steps.
    @inline(__always)
    func square(_ a: inout [UInt64], _ scratch: inout [UInt64]) {
        let n = width
        a.withUnsafeMutableBufferPointer { ap in
            modulus.withUnsafeBufferPointer { np in
                scratch.withUnsafeMutableBufferPointer { tp in
                    for i in 0..<(2 * n + 2) { tp[i] = 0 }
                    // Cross products a[i]·a[j], i < j.
                    for i in 0..<n {
                        let ai = ap[i]
                        var carry: UInt64 = 0
                        var j = i + 1
                        while j < n {
                            let (hi, lo) = ai.multipliedFullWidth(by: ap[j])
                            let (s1, c1) = lo.addingReportingOverflow(tp[i + j])
                            let (s2, c2) = s1.addingReportingOverflow(carry)
                            tp[i + j] = s2
                            carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                            j += 1
                        }
                        tp[i + n] = carry
                    }
                    // Double them.
                    var top: UInt64 = 0
                    for k in 0..<(2 * n) {
                        let v = tp[k]
                        tp[k] = (v << 1) | top
                        top = v >> 63
                    }
                    // Add the squares a[i]².
                    var carry: UInt64 = 0
                    for i in 0..<n {
                        let (hi, lo) = ap[i].multipliedFullWidth(by: ap[i])
                        let (s1, c1) = tp[2 * i].addingReportingOverflow(lo)
                        let (s2, c2) = s1.addingReportingOverflow(carry)
                        tp[2 * i] = s2
                        let c: UInt64 = (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                        let (s3, c3) = tp[2 * i + 1].addingReportingOverflow(hi)
                        let (s4, c4) = s3.addingReportingOverflow(c)
                        tp[2 * i + 1] = s4
                        carry = (c3 ? 1 : 0) &+ (c4 ? 1 : 0)
                    }
                    // Montgomery reduction of the 2n-limb square, one limb at a time.
                    var extra: UInt64 = carry
                    for i in 0..<n {
                        let m = tp[i] &* n0inv
                        var c: UInt64 = 0
                        for j in 0..<n {
                            let (hi, lo) = m.multipliedFullWidth(by: np[j])
                            let (s1, c1) = lo.addingReportingOverflow(tp[i + j])
                            let (s2, c2) = s1.addingReportingOverflow(c)
                            tp[i + j] = s2
                            c = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                        }
                        // Propagate the carry upward.
                        var k = i + n
                        while c != 0 && k < 2 * n {
                            let (s, o) = tp[k].addingReportingOverflow(c)
                            tp[k] = s
                            c = o ? 1 : 0
                            k += 1
                        }
                        extra &+= c
                    }
                    for i in 0..<n { ap[i] = tp[n + i] }
                    Self.finalSubtract(ap, np, n, extra: extra, diff: tp)
                }
            }
        }
    }

    /// One CIOS reduction step: t ← (t + m·N) / 2⁶⁴ with m chosen to clear the low limb.
    @inline(__always)
    static func reduceStep(_ tp: UnsafeMutableBufferPointer<UInt64>, _ np: UnsafeBufferPointer<UInt64>, _ n: Int, _ n0inv: UInt64) {
        let m = tp[0] &* n0inv
        let (hi0, lo0) = m.multipliedFullWidth(by: np[0])
        let (_, c0) = lo0.addingReportingOverflow(tp[0])
        var carry = hi0 &+ (c0 ? 1 : 0)
        for j in 1..<n {
            let (hi, lo) = m.multipliedFullWidth(by: np[j])
            let (s1, c1) = lo.addingReportingOverflow(tp[j])
            let (s2, c2) = s1.addingReportingOverflow(carry)
            tp[j - 1] = s2
            carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
        }
        let (s, c) = tp[n].addingReportingOverflow(carry)
        tp[n - 1] = s
        tp[n] = tp[n + 1] &+ (c ? 1 : 0)
    }

    /// a ← a − N when a (with `extra` above its top limb) is at least N; constant time. `diff` is
    /// scratch space of at least n limbs.
    @inline(__always)
    static func finalSubtract(
        _ ap: UnsafeMutableBufferPointer<UInt64>, _ np: UnsafeBufferPointer<UInt64>, _ n: Int, extra: UInt64,
        diff: UnsafeMutableBufferPointer<UInt64>
    ) {
        var borrow: UInt64 = 0
        for i in 0..<n {
            let (d1, o1) = ap[i].subtractingReportingOverflow(np[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            diff[i] = d2
            borrow = (o1 ? 1 : 0) | (o2 ? 1 : 0)
        }
        // Keep the difference unless it borrowed past the extra limb.
        let keep: UInt64 = (extra != 0 || borrow == 0) ? ~0 : 0
        for i in 0..<n { ap[i] = (diff[i] & keep) | (ap[i] & ~keep) }
    }

    static func subtractIfNotLess(_ a: inout [UInt64], _ n: [UInt64], extraHighLimb: UInt64) {
        let count = n.count
        var diff = [UInt64](repeating: 0, count: count)
        a.withUnsafeMutableBufferPointer { ap in
            n.withUnsafeBufferPointer { np in
                diff.withUnsafeMutableBufferPointer { dp in finalSubtract(ap, np, count, extra: extraHighLimb, diff: dp) }
            }
        }
    }

    static func doubleMod(_ x: inout [UInt64], _ n: [UInt64]) {
        var top: UInt64 = 0
        for i in 0..<x.count {
            let v = x[i]
            x[i] = (v << 1) | top
            top = v >> 63
        }
        subtractIfNotLess(&x, n, extraHighLimb: top)
    }

    /// Copies table entry `index` into `out`, reading every entry so the access pattern is the same for all.
    @inline(__always)
    static func select(_ table: [UInt64], index: Int, width n: Int, into out: inout [UInt64]) {
        table.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = 0 }
                for k in 0..<16 {
                    let mask: UInt64 = k == index ? ~0 : 0
                    let base = k * n
                    for i in 0..<n { o[i] |= t[base + i] & mask }
                }
            }
        }
    }
}
