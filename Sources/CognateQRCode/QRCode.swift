/// A QR code (ISO/IEC 18004) of bytes, as an authenticator app scans it from the TOTP setup page: byte mode,
/// error correction level M, the smallest version from 1 to 15 that holds the data, and the mask with the
/// lowest penalty.
public struct QRCode: Sendable {
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    public let version: Int
    /// Row-major: `modules[y * size + x]` is true for a dark module.
    public private(set) var modules: [Bool]
    private var isFunction: [Bool]

    public enum EncodingError: Error { case tooLong }

    /// The largest payload: version 15 at level M holds 412 bytes.
    public static let maxBytes = 412

    public init(bytes: [UInt8]) throws(EncodingError) {
        guard let version = (1...15).first(where: { Self.dataCapacity($0) >= bytes.count }) else { throw .tooLong }
        self.version = version
        size = 17 + 4 * version
        modules = Array(repeating: false, count: size * size)
        isFunction = modules
        drawFunctionPatterns()
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        drawCodewords(codewords)
        var best = (mask: 0, penalty: Int.max)
        for mask in 0..<8 {
            apply(mask: mask)
            drawFormatBits(mask: mask)
            let penalty = self.penalty()
            if penalty < best.penalty { best = (mask, penalty) }
            apply(mask: mask)  // masks are their own inverse
        }
        apply(mask: best.mask)
        drawFormatBits(mask: best.mask)
    }

    public init(_ text: String) throws(EncodingError) { try self.init(bytes: Array(text.utf8)) }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    // MARK: Capacity and codewords (level M)

    /// Error-correction codewords per block and the blocks' count, for level M, versions 1 to 15.
    static let blocks: [(ecPerBlock: Int, count: Int)] = [
        (10, 1), (16, 1), (26, 1), (18, 2), (24, 2), (16, 4), (18, 4), (22, 4), (22, 5), (26, 5), (30, 5), (22, 8), (22, 9), (24, 9), (24, 10),
    ]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewordCount(_ version: Int) -> Int {
        let (ec, count) = blocks[version - 1]
        return rawDataModules(version) / 8 - ec * count
    }

    /// Bytes that fit: the data codewords less the mode indicator and the character count.
    static func dataCapacity(_ version: Int) -> Int {
        let countBits = version <= 9 ? 8 : 16
        return (dataCodewordCount(version) * 8 - 4 - countBits) / 8
    }

    /// Byte mode segment, terminator and padding, as data codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version <= 9 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCodewordCount(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacity / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into blocks, adds each block's Reed–Solomon codewords, and interleaves them.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let (ecLength, count) = blocks[version - 1]
        let total = rawDataModules(version) / 8
        let shortBlocks = count - total % count
        let shortLength = total / count - ecLength
        let divisor = ReedSolomon.divisor(degree: ecLength)
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<count {
            let length = shortLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            ecBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        result.reserveCapacity(total)
        for column in 0...shortLength {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<ecLength {
            for block in ecBlocks { result.append(block[column]) }
        }
        return result
    }

    // MARK: Drawing

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool, function: Bool = true) {
        modules[y * size + x] = dark
        if function { isFunction[y * size + x] = true }
    }

    static func alignmentPositions(_ version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let size = 17 + 4 * version
        let step = (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var positions = [6]
        var position = size - 7
        for _ in 0..<(count - 1) {
            positions.insert(position, at: 1)
            position -= step
        }
        return positions
    }

    private mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx
                    let y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let distance = max(abs(dx), abs(dy))
                    set(x, y, distance != 2 && distance != 4)
                }
            }
        }
        let positions = Self.alignmentPositions(version)
        let last = positions.count - 1
        for (i, cx) in positions.enumerated() {
            for (j, cy) in positions.enumerated() {
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(mask: 0)  // reserves the format areas; redrawn once the mask is chosen
        if version >= 7 {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            let bits = version << 12 | remainder
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3
                let b = i / 3
                set(a, b, dark)
                set(b, a, dark)
            }
        }
    }

    /// Level M (format bits 00) and the mask, BCH-protected, in both copies, with the dark module.
    private mutating func drawFormatBits(mask: Int) {
        let data = 0b00 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    /// Places the codewords in the two-column zigzag from the bottom right, skipping function modules.
    private mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y * size + x], index < codewords.count * 8 else { continue }
                    set(x, y, (codewords[index >> 3] >> (7 - UInt8(index & 7))) & 1 == 1, function: false)
                    index += 1
                }
            }
            right -= 2
        }
    }

    private mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let invert: Bool
                switch mask {
                case 0: invert = (x + y) % 2 == 0
                case 1: invert = y % 2 == 0
                case 2: invert = x % 3 == 0
                case 3: invert = (x + y) % 3 == 0
                case 4: invert = (x / 3 + y / 2) % 2 == 0
                case 5: invert = x * y % 2 + x * y % 3 == 0
                case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { modules[y * size + x].toggle() }
            }
        }
    }

    // MARK: Penalty (ISO/IEC 18004 §7.8.3)

    func penalty() -> Int {
        var result = 0
        let finderLike: [Bool] = [true, false, true, true, true, false, true, false, false, false, false]
        let reversed = Array(finderLike.reversed())
        for horizontal in [true, false] {
            for a in 0..<size {
                var line = [Bool]()
                line.reserveCapacity(size)
                for b in 0..<size { line.append(horizontal ? isDark(x: b, y: a) : isDark(x: a, y: b)) }
                // N1: runs of five or more of one colour.
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { result += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { result += run - 2 }
                // N3: 1:1:3:1:1 patterns beside four light modules.
                if size >= 11 {
                    for i in 0...(size - 11) {
                        let window = line[i..<i + 11]
                        if window.elementsEqual(finderLike) || window.elementsEqual(reversed) { result += 40 }
                    }
                }
            }
        }
        // N2: 2×2 blocks of one colour.
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = isDark(x: x, y: y)
                if c == isDark(x: x + 1, y: y) && c == isDark(x: x, y: y + 1) && c == isDark(x: x + 1, y: y + 1) { result += 3 }
            }
        }
        // N4: how far dark modules are from half.
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        result += (abs(dark * 20 - total * 10) + total - 1) / total * 10 - 10
        return max(result, 0)
    }
}

/// Reed–Solomon error correction over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= Int((y >> UInt8(i)) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial's coefficients (highest first, the leading 1 left out).
    static func divisor(degree: Int) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = Array(repeating: UInt8(0), count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
