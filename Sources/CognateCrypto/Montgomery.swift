/// Modular arithmetic for one odd modulus in Montgomery form, on fixed-width little-endian 64-bit limbs.
///
/// SRP spends its time in 3072-bit modular exponentiations with 256-bit exponents. This keeps them
/// cheap: no allocation inside the multiply loop, a separate squaring routine, and a fixed 4-bit window
/// whose table lookups read every entry, so the time taken does not depend on the (secret) exponent.
///
/// The multiply and square loops take the width as a parameter and are inlined twice: once with the
/// constant 48 (the 3072-bit SRP group) and once with the width of any other modulus. With a constant
/// width, the reduction multipliers m and the copy of the modulus sit at fixed offsets of one scratch
/// buffer, so the inner loops address them from one register and keep the rest for the accumulators.
/// `Scripts/bench-modexp.sh` prints the time next to OpenSSL's.
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
        var scratch = [UInt64](repeating: 0, count: 3 * n + 2)
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
        var scratch = [UInt64](repeating: 0, count: 3 * n + 2)
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

    /// a · b · R⁻¹ mod N.
    func montMul(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out = a
        var scratch = [UInt64](repeating: 0, count: 3 * width + 2)
        multiplyInPlace(&out, b, &scratch)
        return out
    }

    /// a ← a · b · R⁻¹ mod N by product scanning (column by column, the reduction interleaved): the
    /// multiplications of a column are independent of each other, and the products of a·b and of m·N
    /// go to two accumulators, so the processor can overlap them instead of waiting on one carry chain.
    /// `scratch` holds at least 3·width + 2 limbs.
    @inline(__always)
    func multiplyInPlace(_ a: inout [UInt64], _ b: [UInt64], _ scratch: inout [UInt64]) {
        if width == Self.srpWidth {
            multiplyFused(&a, b, &scratch, n: Self.srpWidth)
        } else {
            multiplyFused(&a, b, &scratch, n: width)
        }
    }

    @inline(__always)
    func multiplyFused(_ a: inout [UInt64], _ b: [UInt64], _ scratch: inout [UInt64], n: Int) {
        a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeBufferPointer { bp0 in
                modulus.withUnsafeBufferPointer { np0 in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        // sp[0..<n]: the reduction multipliers m; sp[n..<2n]: the modulus; sp[2n..<3n]: the result.
                        let mp = sp.baseAddress!
                        let np = mp + n
                        for i in 0..<n { np[i] = np0[i] }
                        let a = ap.baseAddress!
                        let b = bp0.baseAddress!
                        var accA: UInt128 = 0
                        var topA: UInt64 = 0
                        var accM: UInt128 = 0
                        var topM: UInt64 = 0
                        for k in 0..<n {
                            var j = 0
                            while j < k {
                                Self.mac(&accA, &topA, a[j], b[k - j])
                                Self.mac(&accM, &topM, mp[j], np[k - j])
                                j += 1
                            }
                            Self.mac(&accA, &topA, a[k], b[0])
                            Self.merge(&accA, &topA, &accM, &topM)
                            let m = UInt64(truncatingIfNeeded: accA) &* n0inv
                            mp[k] = m
                            Self.mac(&accA, &topA, m, np[0])
                            Self.shift(&accA, &topA)
                        }
                        for k in n..<(2 * n - 1) {
                            var j = k - n + 1
                            while j < n {
                                Self.mac(&accA, &topA, a[j], b[k - j])
                                Self.mac(&accM, &topM, mp[j], np[k - j])
                                j += 1
                            }
                            Self.merge(&accA, &topA, &accM, &topM)
                            mp[n + k] = UInt64(truncatingIfNeeded: accA)
                            Self.shift(&accA, &topA)
                        }
                        mp[3 * n - 1] = UInt64(truncatingIfNeeded: accA)
                        let extra = UInt64(truncatingIfNeeded: accA >> 64)
                        for i in 0..<n { ap[i] = mp[2 * n + i] }
                        Self.finalSubtract(ap, np0, n, extra: extra, diff: sp)
                    }
                }
            }
        }
    }

    /// The width, in limbs, of the 3072-bit SRP group, for which the loops are specialized.
    static var srpWidth: Int { 48 }

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

    /// a ← a² · R⁻¹ mod N by product scanning. Column k pairs j with k − j: one pass over the pairs adds
    /// the cross product a[j]·a[k−j] (doubled once at the end of the column) and both reduction products
    /// m[j]·N[k−j] and m[k−j]·N[j], so a column is one short loop with three independent multiplications
    /// per step instead of several loops. `scratch` holds at least 3·width + 2 limbs.
    @inline(__always)
    func square(_ a: inout [UInt64], _ scratch: inout [UInt64]) {
        if width == Self.srpWidth {
            squareFused(&a, &scratch, n: Self.srpWidth)
        } else {
            squareFused(&a, &scratch, n: width)
        }
    }

    @inline(__always)
    func squareFused(_ a: inout [UInt64], _ scratch: inout [UInt64], n: Int) {
        a.withUnsafeMutableBufferPointer { ap in
            modulus.withUnsafeBufferPointer { np0 in
                scratch.withUnsafeMutableBufferPointer { sp in
                    // sp[0..<n]: the reduction multipliers m; sp[n..<2n]: the modulus; sp[2n..<3n]: the result.
                    let mp = sp.baseAddress!
                    let np = mp + n
                    for i in 0..<n { np[i] = np0[i] }
                    let a = ap.baseAddress!
                    var acc: UInt128 = 0
                    var top: UInt64 = 0
                    var accC: UInt128 = 0
                    var topC: UInt64 = 0
                    for k in 0..<(2 * n - 1) {
                        var j = k < n ? 0 : k - n + 1
                        if k < n && k > 0 {
                            // j = 0 pairs with m[k], which this column determines: only one reduction term.
                            Self.mac(&accC, &topC, a[0], a[k])
                            Self.mac(&acc, &top, mp[0], np[k])
                            j = 1
                        }
                        var kj = k - j
                        while j < kj {
                            Self.mac(&accC, &topC, a[j], a[kj])
                            Self.mac(&acc, &top, mp[j], np[kj])
                            Self.mac(&acc, &top, mp[kj], np[j])
                            j += 1
                            kj -= 1
                        }
                        topC = (topC << 1) | UInt64(truncatingIfNeeded: accC >> 127)
                        accC <<= 1
                        Self.merge(&acc, &top, &accC, &topC)
                        if j == kj {
                            Self.mac(&acc, &top, a[j], a[j])
                            if k > 0 { Self.mac(&acc, &top, mp[j], np[j]) }
                        }
                        if k < n {
                            let m = UInt64(truncatingIfNeeded: acc) &* n0inv
                            mp[k] = m
                            Self.mac(&acc, &top, m, np[0])
                        } else {
                            mp[n + k] = UInt64(truncatingIfNeeded: acc)
                        }
                        Self.shift(&acc, &top)
                    }
                    mp[3 * n - 1] = UInt64(truncatingIfNeeded: acc)
                    let extra = UInt64(truncatingIfNeeded: acc >> 64)
                    for i in 0..<n { ap[i] = mp[2 * n + i] }
                    Self.finalSubtract(ap, np0, n, extra: extra, diff: sp)
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
