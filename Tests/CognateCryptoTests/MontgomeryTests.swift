import Crypto
import Foundation
import Testing

@testable import CognateCrypto

/// Montgomery arithmetic against RFC 5054 Appendix B (the 1024-bit group with SHA-1).
@Suite struct MontgomeryTests {
    static func hex(_ s: String) -> [UInt8] { BigEndian.bytes(fromHex: s.replacingOccurrences(of: " ", with: ""))! }

    static let n = hex(
        """
        EEAF0AB9 ADB38DD6 9C33F80A FA8FC5E8 60726187 75FF3C0B 9EA2314C 9C256576 D674DF74 96EA81D3 383B4813 D692C6E0 \
        E0D5D8E2 50B98BE4 8E495C1D 6089DAD1 5DC7D7B4 6154D6B6 CE8EF4AD 69B15D49 82559B29 7BCF1885 C529F566 660E57EC \
        68EDBC3C 05726CC0 2FD4CBF4 976EAA9A FD5138FE 8376435B 9FC61D2F C0EB06E3
        """)
    static let salt = hex("BEB25379 D1A8581E B5A72767 3A2441EE")
    static let k = hex("7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F")
    static let x = hex("94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124")
    static let v = hex(
        """
        7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812 9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 \
        F105B478 7E5186F5 C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5 EA53D15C 1AFF87B2 B9DA6E04 \
        E058AD51 CC72BFC9 033B564E 26480D78 E955A5E2 9E7AB245 DB2BE315 E2099AFB
        """)
    static let a = hex("60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393")
    static let b = hex("E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20")
    static let bigA = hex(
        """
        61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4 4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E \
        0BFCF99F 921530EC 8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44 BE087EF0 6530E69F 66615261 \
        EEF54073 CA11CF58 58F0EDFD FE15EFEA B349EF5D 76988A36 72FAC47B 0769447B
        """)
    static let bigB = hex(
        """
        BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011 BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 \
        B681CBF8 7837EC99 6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA 37089E6F 9C6059F3 88838E7A \
        00030B33 1EB76840 910440B1 B27AAEAE EB4012B7 D7665238 A8E3FB00 4B117B58
        """)
    static let u = hex("CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019")
    static let premaster = hex(
        """
        B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D 233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F \
        0876E2D0 13800D6C 41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F 3499B200 210DCC1F 10EB3394 \
        3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D C346D7E4 74B29EDE 8A469FFE CA686E5A
        """)

    let group = Montgomery(modulus: Self.n)
    var g: [UInt64] { limbs([2]) }

    func limbs(_ bytes: [UInt8]) -> [UInt64] { Montgomery.limbs(fromBigEndian: bytes, width: group.width) }
    func bytes(_ limbs: [UInt64]) -> [UInt8] { Montgomery.bigEndianBytes(limbs) }
    func padded(_ b: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: Self.n.count - b.count) + b }

    @Test func hashesOfTheVectorsMatch() {
        let sha1 = { (data: [UInt8]) in Array(Insecure.SHA1.hash(data: data)) }
        #expect(sha1(Self.n + padded([2])) == Self.k)
        #expect(sha1(Self.salt + sha1(Array("alice:password123".utf8))) == Self.x)
        #expect(sha1(padded(Self.bigA) + padded(Self.bigB)) == Self.u)
    }

    @Test func verifier() {
        #expect(bytes(group.power(g, Self.x)) == padded(Self.v))
    }

    @Test func clientPublicValue() {
        #expect(bytes(group.power(g, Self.a)) == padded(Self.bigA))
    }

    @Test func serverPublicValue() {
        let kv = group.multiply(limbs(Self.k), limbs(Self.v))
        #expect(bytes(group.add(kv, group.power(g, Self.b))) == padded(Self.bigB))
    }

    @Test func premasterSecretOnBothSides() {
        // Server: (A · v^u)^b.
        let server = group.power(group.multiply(limbs(Self.bigA), group.power(limbs(Self.v), Self.u)), Self.b)
        #expect(bytes(server) == padded(Self.premaster))
        // Client: (B − k·g^x)^(a + u·x), with the exponent computed outside the group.
        let base = group.subtract(limbs(Self.bigB), group.multiply(limbs(Self.k), group.power(g, Self.x)))
        let exponent = Self.addBytes(Self.a, Self.multiplyBytes(Self.u, Self.x))
        #expect(bytes(group.power(base, exponent)) == padded(Self.premaster))
    }

    @Test func smallNumbers() {
        let small = Montgomery(modulus: [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE9])  // 1001
        let three = Montgomery.limbs(fromBigEndian: [3], width: 1)
        #expect(small.power(three, [0x00]) == [1])
        #expect(small.power(three, [0x07]) == [2187 % 1001])
        #expect(small.power(three, [0x01, 0x00]) == [Self.slowPower(3, 256, 1001)])
        #expect(small.multiply([1000], [1000]) == [1])
        #expect(small.add([1000], [5]) == [4])
        #expect(small.subtract([3], [5]) == [999])
    }

    static func slowPower(_ base: UInt64, _ exponent: Int, _ m: UInt64) -> UInt64 {
        var r: UInt64 = 1
        for _ in 0..<exponent { r = r * base % m }
        return r
    }

    /// Schoolbook product of big-endian byte strings (test helper, independent of Montgomery).
    static func multiplyBytes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt32](repeating: 0, count: a.count + b.count)
        for (i, x) in a.reversed().enumerated() {
            var carry: UInt32 = 0
            for (j, y) in b.reversed().enumerated() {
                let t = out[i + j] + UInt32(x) * UInt32(y) + carry
                out[i + j] = t & 0xFF
                carry = t >> 8
            }
            out[i + b.count] += carry
        }
        return out.reversed().map { UInt8($0) }
    }

    static func addBytes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        let n = max(a.count, b.count) + 1
        let pa = [UInt8](repeating: 0, count: n - a.count) + a
        let pb = [UInt8](repeating: 0, count: n - b.count) + b
        var out = [UInt8](repeating: 0, count: n)
        var carry = 0
        for i in stride(from: n - 1, through: 0, by: -1) {
            let t = Int(pa[i]) + Int(pb[i]) + carry
            out[i] = UInt8(t & 0xFF)
            carry = t >> 8
        }
        return out
    }
}
