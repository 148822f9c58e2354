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
        if base[0] == 2 && base.dropFirst().allSatisfy({ $0 == 0 }) {
            return powerOfTwo(exponent)
        }
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

    /// 2^exponent mod N: square, and double where the exponent has a one bit (a doubling is an addition,
    /// far cheaper than a multiplication). Both branches are computed and one is kept, bit by bit.
    func powerOfTwo(_ exponent: [UInt8]) -> [UInt64] {
        let n = width
        var result = rModN
        var scratch = [UInt64](repeating: 0, count: 2 * n + 2)
        var doubled = [UInt64](repeating: 0, count: n)
        var diff = [UInt64](repeating: 0, count: n)
        for byte in exponent {
            for shift in stride(from: 7, through: 0, by: -1) {
                square(&result, &scratch)
                let bit = UInt64((byte >> UInt8(shift)) & 1)
                result.withUnsafeMutableBufferPointer { r in
                    doubled.withUnsafeMutableBufferPointer { d in
                        modulus.withUnsafeBufferPointer { np in
                            diff.withUnsafeMutableBufferPointer { dp in
                                var top: UInt64 = 0
                                for i in 0..<n {
                                    let v = r[i]
                                    d[i] = (v << 1) | top
                                    top = v >> 63
                                }
                                Self.finalSubtract(d, np, n, extra: top, diff: dp)
                                let keep = 0 &- bit
                                for i in 0..<n { r[i] = (d[i] & keep) | (r[i] & ~keep) }
                            }
                        }
                    }
                }
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

    /// a ← a · b · R⁻¹ mod N by product scanning (column by column, the reduction interleaved): the
    /// multiplications of a column are independent of each other, and the products of a·b and of m·N
    /// go to two accumulators, so the processor can overlap them instead of waiting on one carry chain.
    @inline(__always)
    func multiplyInPlace(_ a: inout [UInt64], _ b: [UInt64], _ scratch: inout [UInt64]) {
        let n = width
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                modulus.withUnsafeBufferPointer { np in
                    scratch.withUnsafeMutableBufferPointer { mp in
                        // mp[0..<n]: the reduction multipliers m; mp[n..<2n]: the result.
                        var accA: UInt128 = 0, topA: UInt64 = 0
                        var accM: UInt128 = 0, topM: UInt64 = 0
                        for k in 0..<n {
                            for j in 0..<k {
                                Self.mac(&accA, &topA, ap[j], bp[k - j])
                                Self.mac(&accM, &topM, mp[j], np[k - j])
                            }
                            Self.mac(&accA, &topA, ap[k], bp[0])
                            Self.merge(&accA, &topA, &accM, &topM)
                            let m = UInt64(truncatingIfNeeded: accA) &* n0inv
                            mp[k] = m
                            Self.mac(&accA, &topA, m, np[0])
                            Self.shift(&accA, &topA)
                        }
                        for k in n..<(2 * n - 1) {
                            for j in (k - n + 1)..<n {
                                Self.mac(&accA, &topA, ap[j], bp[k - j])
                                Self.mac(&accM, &topM, mp[j], np[k - j])
                            }
                            Self.merge(&accA, &topA, &accM, &topM)
                            mp[k] = UInt64(truncatingIfNeeded: accA)
                            Self.shift(&accA, &topA)
                        }
                        mp[2 * n - 1] = UInt64(truncatingIfNeeded: accA)
                        let extra = UInt64(truncatingIfNeeded: accA >> 64)
                        for i in 0..<n { ap[i] = mp[n + i] }
                        Self.finalSubtract(ap, np, n, extra: extra, diff: mp)
                    }
                }
            }
        }
    }

    /// acc += Σ m[j]·N[column − j] for j in from..<to, on two accumulators (the second one, `spare`,
    /// is left cleared).
    @inline(__always)
    static func reductionColumn(
        _ acc: inout UInt128, _ top: inout UInt64, _ spare: inout UInt128, _ spareTop: inout UInt64,
        _ mp: UnsafeMutableBufferPointer<UInt64>, _ np: UnsafeBufferPointer<UInt64>, from: Int, to: Int, column k: Int
    ) {
        var j = from
        while j + 1 < to {
            mac(&acc, &top, mp[j], np[k - j])
            mac(&spare, &spareTop, mp[j + 1], np[k - j - 1])
            j += 2
        }
        if j < to { mac(&acc, &top, mp[j], np[k - j]) }
        merge(&acc, &top, &spare, &spareTop)
    }

    /// acc (with its overflow word) += x · y.
    @inline(__always)
    static func mac(_ acc: inout UInt128, _ top: inout UInt64, _ x: UInt64, _ y: UInt64) {
        let (sum, overflow) = acc.addingReportingOverflow(UInt128(x) &* UInt128(y))
        acc = sum
        top &+= UInt64(unsafeBitCast(overflow, to: UInt8.self))
    }

    /// Folds the second accumulator into the first and clears it.
    @inline(__always)
    static func merge(_ acc: inout UInt128, _ top: inout UInt64, _ other: inout UInt128, _ otherTop: inout UInt64) {
        let (sum, overflow) = acc.addingReportingOverflow(other)
        acc = sum
        top &+= otherTop &+ UInt64(unsafeBitCast(overflow, to: UInt8.self))
        other = 0
        otherTop = 0
    }

    /// Moves the accumulator one word down: the low word is done.
    @inline(__always)
    static func shift(_ acc: inout UInt128, _ top: inout UInt64) {
        acc = (acc >> 64) | (UInt128(top) << 64)
        top = 0
    }

    /// a ← a² · R⁻¹ mod N by product scanning: each column's cross products a[i]·a[j] (i < j) are summed
    /// once and doubled, the square term added, and the reduction interleaved as in `multiplyInPlace`.
    @inline(__always)
    func square(_ a: inout [UInt64], _ scratch: inout [UInt64]) {
        let n = width
        a.withUnsafeMutableBufferPointer { ap in
            modulus.withUnsafeBufferPointer { np in
                scratch.withUnsafeMutableBufferPointer { mp in
                    var acc: UInt128 = 0, top: UInt64 = 0
                    var accC: UInt128 = 0, topC: UInt64 = 0
                    var accM: UInt128 = 0, topM: UInt64 = 0
                    for k in 0..<(2 * n - 1) {
                        let low = k < n ? 0 : k - n + 1
                        // Cross products a[j]·a[k−j] with j < k − j, alternating between two accumulators.
                        var j = low
                        while j + 1 < k - j - 1 {
                            Self.mac(&accC, &topC, ap[j], ap[k - j])
                            Self.mac(&accM, &topM, ap[j + 1], ap[k - j - 1])
                            j += 2
                        }
                        while j < k - j {
                            Self.mac(&accC, &topC, ap[j], ap[k - j])
                            j += 1
                        }
                        Self.merge(&accC, &topC, &accM, &topM)
                        topC = (topC << 1) | UInt64(truncatingIfNeeded: accC >> 127)
                        accC <<= 1
                        if k & 1 == 0 {
                            Self.mac(&acc, &top, ap[k >> 1], ap[k >> 1])
                        }
                        Self.merge(&acc, &top, &accC, &topC)
                        // Reduction products m[j]·N[k−j].
                        if k < n {
                            Self.reductionColumn(&acc, &top, &accM, &topM, mp, np, from: 0, to: k, column: k)
                            let m = UInt64(truncatingIfNeeded: acc) &* n0inv
                            mp[k] = m
                            Self.mac(&acc, &top, m, np[0])
                        } else {
                            Self.reductionColumn(&acc, &top, &accM, &topM, mp, np, from: low, to: n, column: k)
                            mp[k] = UInt64(truncatingIfNeeded: acc)
                        }
                        Self.shift(&acc, &top)
                    }
                    mp[2 * n - 1] = UInt64(truncatingIfNeeded: acc)
                    let extra = UInt64(truncatingIfNeeded: acc >> 64)
                    for i in 0..<n { ap[i] = mp[n + i] }
                    Self.finalSubtract(ap, np, n, extra: extra, diff: mp)
                }
            }
        }
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
            // Two's-complement borrow: the top word of the 128-bit difference is all ones on underflow.
            let d = UInt128(ap[i]) &- UInt128(np[i]) &- UInt128(borrow)
            diff[i] = UInt64(truncatingIfNeeded: d)
            borrow = UInt64(truncatingIfNeeded: d >> 64) & 1
        }
        // Keep the difference unless it borrowed past the extra limb.
        // keep = all ones when extra != 0 or borrow == 0 (branch-free).
        let extraBit = (extra | (0 &- extra)) >> 63
        let keep: UInt64 = 0 &- ((1 &- borrow) | extraBit)
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
                    let difference = UInt64(truncatingIfNeeded: k ^ index)
                    let mask: UInt64 = ((difference | (0 &- difference)) >> 63) &- 1
                    let base = k * n
                    for i in 0..<n { o[i] |= t[base + i] & mask }
                }
            }
        }
    }
}
