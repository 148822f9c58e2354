import BigInt
import Crypto
import Foundation
import Testing

@testable import CognateCrypto

/// Cognate's SRP server against an independent client: the same protocol written with a general-purpose
/// big-integer library, the way Cognito's client SDKs compute it.
@Suite struct CognitoSRPTests {
    let srp = CognitoSRP.shared
    let poolID = "us-east-1_AbCdEf123"

    /// The client side, independent of Montgomery: BigUInt arithmetic and hex strings, as the SDKs do it.
    struct ReferenceClient {
        static let n = BigUInt(CognitoSRP.nHex, radix: 16)!
        static let g = BigUInt(2)

        static func padHex(_ value: BigUInt) -> String { padHex(String(value, radix: 16)) }
        static func padHex(_ hex: String) -> String {
            if hex.count % 2 == 1 { return "0" + hex }
            if let first = hex.first, "89abcdefABCDEF".contains(first) { return "00" + hex }
            return hex
        }
        static func bytes(_ hex: String) -> [UInt8] { BigEndian.bytes(fromHex: hex)! }
        static func sha256Hex(_ data: [UInt8]) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

        static var k: BigUInt { BigUInt(sha256Hex(bytes("00" + CognitoSRP.nHex + "02")), radix: 16)! }

        let a: BigUInt
        var bigA: BigUInt { Self.g.power(a, modulus: Self.n) }

        func signature(poolID: String, userID: String, password: String, saltHex: String, bHex: String, secretBlock: [UInt8], timestamp: String)
            -> [UInt8]
        {
            let bigB = BigUInt(bHex, radix: 16)!
            let u = BigUInt(Self.sha256Hex(Self.bytes(Self.padHex(bigA) + Self.padHex(bigB))), radix: 16)!
            let inner = Self.sha256Hex(Array((CognitoSRP.poolName(poolID) + userID + ":" + password).utf8))
            let x = BigUInt(Self.sha256Hex(Self.bytes(Self.padHex(saltHex) + inner)), radix: 16)!
            let gx = Self.g.power(x, modulus: Self.n)
            let kgx = (Self.k * gx) % Self.n
            let base = (bigB + Self.n - kgx) % Self.n
            let s = base.power(a + u * x, modulus: Self.n)
            let prk = HMAC<SHA256>.authenticationCode(for: Self.bytes(Self.padHex(s)), using: SymmetricKey(data: Self.bytes(Self.padHex(u))))
            let okm = HMAC<SHA256>.authenticationCode(for: Array("Caldera Derived Key".utf8) + [1], using: SymmetricKey(data: Data(prk)))
            let key = Array(Array(okm).prefix(16))
            let message = Array(CognitoSRP.poolName(poolID).utf8) + Array(userID.utf8) + secretBlock + Array(timestamp.utf8)
            return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        }
    }

    func signIn(storedPassword: String, claimedPassword: String, saltBytes: [UInt8]) -> Bool {
        let saltHex = CognitoSRP.saltHex(random: saltBytes)
        let verifier = srp.verifier(poolID: poolID, userID: "alice", password: storedPassword, saltHex: saltHex)
        let client = ReferenceClient(a: BigUInt(Data((0..<32).map { _ in UInt8.random(in: 0...255) })))
        let b = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let bigB = srp.serverPublic(verifier: verifier, secret: b)
        let secretBlock = Array("opaque-secret-block".utf8)
        let timestamp = SRPTimestamp.format(Date())
        let signature = client.signature(
            poolID: poolID, userID: "alice", password: claimedPassword, saltHex: saltHex,
            bHex: BigEndian.hexWithoutLeadingZeros(bigB), secretBlock: secretBlock, timestamp: timestamp)
        let aBytes = Array(client.bigA.serialize())
        guard let key = srp.sessionKey(clientPublic: aBytes, serverPublic: bigB, serverSecret: b, verifier: verifier) else { return false }
        let expected = CognitoSRP.claimSignature(key: key, poolID: poolID, userID: "alice", secretBlock: secretBlock, timestamp: timestamp)
        return ConstantTime.equal(expected, signature)
    }

    /// Each sign-in costs the reference client three general-purpose exponentiations (slow in debug
    /// builds), so the salts are chosen to cover the padding cases: top bit set, and a leading zero digit.
    @Test(arguments: [[0xF0] + [UInt8](repeating: 7, count: 15), [0x00, 0x0A] + [UInt8](repeating: 9, count: 14)])
    func rightPasswordSignsIn(salt: [UInt8]) {
        #expect(signIn(storedPassword: "Corr3ct-Horse!", claimedPassword: "Corr3ct-Horse!", saltBytes: salt))
    }

    @Test func wrongPasswordFails() {
        #expect(!signIn(storedPassword: "Corr3ct-Horse!", claimedPassword: "corr3ct-Horse!", saltBytes: [UInt8](repeating: 1, count: 16)))
    }

    @Test func degenerateClientValuesAreRefused() {
        let verifier = srp.verifier(poolID: poolID, userID: "alice", password: "x", saltHex: "abcd")
        let b = [UInt8](repeating: 3, count: 32)
        let bigB = srp.serverPublic(verifier: verifier, secret: b)
        let n = BigEndian.bytes(fromHex: CognitoSRP.nHex)!
        #expect(srp.sessionKey(clientPublic: [0], serverPublic: bigB, serverSecret: b, verifier: verifier) == nil)
        #expect(srp.sessionKey(clientPublic: n, serverPublic: bigB, serverSecret: b, verifier: verifier) == nil)
        #expect(srp.sessionKey(clientPublic: [1] + n, serverPublic: bigB, serverSecret: b, verifier: verifier) == nil)
    }

    @Test func verifierMatchesTheReference() {
        let saltHex = "9f3e2a"
        let inner = ReferenceClient.sha256Hex(Array((CognitoSRP.poolName(poolID) + "bob:pw").utf8))
        let x = BigUInt(ReferenceClient.sha256Hex(ReferenceClient.bytes(ReferenceClient.padHex(saltHex) + inner)), radix: 16)!
        let expected = ReferenceClient.g.power(x, modulus: ReferenceClient.n)
        let ours = BigUInt(Data(srp.verifier(poolID: poolID, userID: "bob", password: "pw", saltHex: saltHex)))
        #expect(ours == expected)
    }

    @Test func timestampFormat() {
        let date = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02 03:04:05 UTC, a Tuesday
        #expect(SRPTimestamp.format(date) == "Tue Jan 2 03:04:05 UTC 2024")
        #expect(SRPTimestamp.parse("Tue Jan 2 03:04:05 UTC 2024") == date)
        #expect(SRPTimestamp.parse("Tue Jan 02 03:04:05 UTC 2024") == nil)
        #expect(SRPTimestamp.parse("yesterday") == nil)
    }
}
