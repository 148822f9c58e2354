/// Powers of one fixed base by a precomputed table: row i holds base^(j · 16^i) for j in 0..<16, in
/// Montgomery form, so base^e for an exponent of up to `rows` hex digits is one multiplication per digit
/// and no squarings. SRP's g^x (every verifier, every password check) and g^b (every SRP sign-in) have
/// 256-bit exponents: 64 multiplications instead of 256 squarings. Each lookup reads a whole row, so the
/// time taken does not depend on the (secret) exponent.
public struct FixedBasePower: Sendable {
    let group: Montgomery
    /// Hex digits of the longest exponent the table covers.
    public let rows: Int
    /// rows × 16 entries of `group.width` limbs.
    let table: [UInt64]

    public init(group: Montgomery, base: [UInt64], exponentBytes: Int) {
        self.group = group
        rows = exponentBytes * 2
        let n = group.width
        var table = [UInt64](repeating: 0, count: rows * 16 * n)
        var rowBase = group.montMul(base, group.r2ModN)  // base^(16^i), Montgomery form
        var scratch = [UInt64](repeating: 0, count: 3 * n + 2)
        for row in 0..<rows {
            var entry = group.rModN
            for digit in 0..<16 {
                let offset = (row * 16 + digit) * n
                for i in 0..<n { table[offset + i] = entry[i] }
                group.multiplyInPlace(&entry, rowBase, &scratch)
            }
            rowBase = entry  // base^(16^i · 16) = base^(16^(i+1))
        }
        self.table = table
    }

    /// base^exponent mod N for a big-endian exponent of at most `rows / 2` bytes.
    public func power(_ exponent: [UInt8]) -> [UInt64] {
        precondition(exponent.count * 2 <= rows, "exponent longer than the table")
        let n = group.width
        var result = group.rModN
        var selected = [UInt64](repeating: 0, count: n)
        var scratch = [UInt64](repeating: 0, count: 3 * n + 2)
        table.withUnsafeBufferPointer { t in
            for (index, byte) in exponent.reversed().enumerated() {
                Self.select(t, row: index * 2, digit: Int(byte & 0x0F), width: n, into: &selected)
                group.multiplyInPlace(&result, selected, &scratch)
                Self.select(t, row: index * 2 + 1, digit: Int(byte >> 4), width: n, into: &selected)
                group.multiplyInPlace(&result, selected, &scratch)
            }
        }
        var one = [UInt64](repeating: 0, count: n)
        one[0] = 1
        return group.montMul(result, one)
    }

    /// Copies entry `digit` of `row`, reading all 16 entries of the row.
    @inline(__always)
    static func select(_ t: UnsafeBufferPointer<UInt64>, row: Int, digit: Int, width n: Int, into out: inout [UInt64]) {
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n { o[i] = 0 }
            for k in 0..<16 {
                let difference = UInt64(truncatingIfNeeded: k ^ digit)
                let mask: UInt64 = ((difference | (0 &- difference)) >> 63) &- 1
                let base = (row * 16 + k) * n
                for i in 0..<n { o[i] |= t[base + i] & mask }
            }
        }
    }
}
