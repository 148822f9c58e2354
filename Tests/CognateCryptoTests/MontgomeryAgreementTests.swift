import BigInt
import Foundation
import Testing

@testable import CognateCrypto

/// Montgomery arithmetic against an independent big-integer package, for moduli of many widths: the
/// 48-limb width takes the loops specialized for the SRP group, every other width the general ones.
@Suite struct MontgomeryAgreementTests {
    /// A seeded generator, so a failure reproduces.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func bytes(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func big(_ limbs: [UInt64]) -> BigUInt { BigUInt(Data(Montgomery.bigEndianBytes(limbs))) }

    @Test(arguments: [1, 2, 3, 5, 16, 47, 48, 49])
    func powersAndProductsAgree(width: Int) {
        var rng = SplitMix64(state: UInt64(width))
        // BigUInt is slow in debug builds: wide moduli get one round.
        for round in width < 16 ? 0..<3 : 1..<2 {
            // An odd modulus; the first round's top limb is small, so values sit far below 2^(64·width).
            var modulusBytes = Self.bytes(8 * width, &rng)
            modulusBytes[modulusBytes.count - 1] |= 1
            if round == 0 { modulusBytes.replaceSubrange(0..<7, with: [UInt8](repeating: 0, count: 7)) }
            if modulusBytes.allSatisfy({ $0 == 0 }) || BigUInt(Data(modulusBytes)) < 3 { continue }
            let group = Montgomery(modulus: modulusBytes)
            let n = BigUInt(Data(modulusBytes))
            func limbs(_ value: BigUInt) -> [UInt64] {
                Montgomery.limbs(fromBigEndian: Array(value.serialize()), width: width)
            }
            let bases: [BigUInt] = [0, 1, 2, n - 1, BigUInt(Data(Self.bytes(8 * width, &rng))) % n]
            let exponents: [[UInt8]] = [
                [], [0], [1], [UInt8](repeating: 0xFF, count: 32), Self.bytes(32, &rng), Self.bytes(5, &rng),
            ]
            for base in bases {
                for exponent in exponents {
                    let expected = base.power(BigUInt(Data(exponent)), modulus: n)
                    let actual = Self.big(group.power(limbs(base), exponent))
                    #expect(actual == expected, "width \(width), base \(base), exponent \(exponent)")
                }
                let other = BigUInt(Data(Self.bytes(8 * width, &rng))) % n
                #expect(Self.big(group.multiply(limbs(base), limbs(other))) == base * other % n)
                #expect(Self.big(group.add(limbs(base), limbs(other))) == (base + other) % n)
                #expect(Self.big(group.subtract(limbs(base), limbs(other))) == (base + n - other) % n)
            }
        }
    }

    @Test func theSRPGroupAgrees() {
        var rng = SplitMix64(state: 3072)
        let group = CognitoSRP.shared.group
        let n = Self.big(group.modulus)
        for _ in 0..<2 {
            let base = BigUInt(Data(Self.bytes(384, &rng))) % n
            let exponent = Self.bytes(32, &rng)
            let baseLimbs = Montgomery.limbs(fromBigEndian: Array(base.serialize()), width: group.width)
            #expect(Self.big(group.power(baseLimbs, exponent)) == base.power(BigUInt(Data(exponent)), modulus: n))
            var two = [UInt64](repeating: 0, count: group.width)
            two[0] = 2
            #expect(Self.big(group.power(two, exponent)) == BigUInt(2).power(BigUInt(Data(exponent)), modulus: n))
        }
    }

    @Test func fixedBasePowersAgree() {
        var rng = SplitMix64(state: 16)
        let group = CognitoSRP.shared.group
        let n = Self.big(group.modulus)
        for baseValue in [BigUInt(2), BigUInt(Data(Self.bytes(384, &rng))) % n] {
            let base = Montgomery.limbs(fromBigEndian: Array(baseValue.serialize()), width: group.width)
            let table = FixedBasePower(group: group, base: base, exponentBytes: 32)
            for length in [0, 1, 5, 31, 32] {
                let exponent = Self.bytes(length, &rng)
                #expect(Self.big(table.power(exponent)) == baseValue.power(BigUInt(Data(exponent)), modulus: n), "length \(length)")
            }
            #expect(
                Self.big(table.power([UInt8](repeating: 0xFF, count: 32)))
                    == baseValue.power(BigUInt(Data([UInt8](repeating: 0xFF, count: 32))), modulus: n))
        }
    }
}
