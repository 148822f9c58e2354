import Crypto
import Foundation

/// SRP-6a as Amazon Cognito does it: the 3072-bit group of RFC 5054 with g = 2, SHA-256, k = H(0x00‖N‖0x02),
/// x = H(salt ‖ H(poolName ‖ userID ‖ ":" ‖ password)), u = H(A ‖ B), and the password claim signed with
/// an HKDF-derived key ("Caldera Derived Key"). Numbers are hashed in their minimal sign-padded form.
public struct CognitoSRP: Sendable {
    public static let shared = CognitoSRP()

    static let nHex =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        + "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
        + "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
        + "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

    /// The group's arithmetic.
    public let group: Montgomery
    public let generator: [UInt64]
    public let multiplier: [UInt64]
    /// g^e for exponents of up to 32 bytes (x is a SHA-256, b 32 random bytes) without squarings.
    let generatorPowers: FixedBasePower
    /// General-base powers (v^u and (A·v^u)^b), by libcrypto: about twice as fast as `group.power` here.
    let powers: OpenSSLModularPower

    /// Byte length of the modulus (384).
    public var modulusLength: Int { group.width * 8 }

    public init() {
        let n = BigEndian.bytes(fromHex: Self.nHex)!
        group = Montgomery(modulus: n)
        var g = [UInt64](repeating: 0, count: group.width)
        g[0] = 2
        generator = g
        generatorPowers = FixedBasePower(group: group, base: g, exponentBytes: 32)
        powers = OpenSSLModularPower(modulus: n)
        let k = Array(SHA256.hash(data: [0] + n + [2]))
        multiplier = Montgomery.limbs(fromBigEndian: k, width: group.width)
    }

    // MARK: Verifiers

    /// The short pool name that Cognito mixes into x: the part of the pool ID after the underscore.
    public static func poolName(_ poolID: String) -> String {
        poolID.split(separator: "_", maxSplits: 1).last.map(String.init) ?? poolID
    }

    /// x = H(salt ‖ H(poolName ‖ userID ‖ ":" ‖ password)).
    public func privateKey(poolID: String, userID: String, password: String, saltHex: String) -> [UInt8] {
        let inner = SHA256.hash(data: Array((Self.poolName(poolID) + userID + ":" + password).utf8))
        let salt = BigEndian.signPadded(BigEndian.bytes(fromHex: saltHex) ?? [])
        return Array(SHA256.hash(data: salt + Array(inner)))
    }

    /// v = g^x mod N, as big-endian bytes of the modulus' length.
    public func verifier(poolID: String, userID: String, password: String, saltHex: String) -> [UInt8] {
        let x = privateKey(poolID: poolID, userID: userID, password: password, saltHex: saltHex)
        return Montgomery.bigEndianBytes(generatorPower(x))
    }

    /// g^e mod N: from the fixed-base table when the exponent fits it.
    func generatorPower(_ exponent: [UInt8]) -> [UInt64] {
        exponent.count <= 32 ? generatorPowers.power(exponent) : group.power(generator, exponent)
    }

    /// A salt as Cognito sends it: hex without leading zeros, so clients pad it as the server does.
    public static func saltHex(random bytes: [UInt8]) -> String {
        BigEndian.hexWithoutLeadingZeros(bytes)
    }

    // MARK: The server's side of a sign-in

    /// B = (k·v + g^b) mod N for the server's secret b.
    public func serverPublic(verifier: [UInt8], secret b: [UInt8]) -> [UInt8] {
        let v = Montgomery.limbs(fromBigEndian: verifier, width: group.width)
        let kv = group.multiply(multiplier, v)
        let gb = generatorPower(b)
        return Montgomery.bigEndianBytes(group.add(kv, gb))
    }

    /// Whether a client's A may start an exchange (RFC 5054 §2.5.4): no wider than the modulus once leading
    /// zeros are dropped, and A mod N ≠ 0.
    public func acceptsClientPublic(_ a: [UInt8]) -> Bool {
        let trimmed = a.drop { $0 == 0 }
        guard !trimmed.isEmpty, trimmed.count <= modulusLength else { return false }
        return !group.isZero(group.reducedOnce(Montgomery.limbs(fromBigEndian: Array(trimmed), width: group.width)))
    }

    /// The 16-byte key both sides derive, or nil when the client's A is unacceptable (A mod N = 0, or
    /// u = 0, or A wider than the modulus).
    public func sessionKey(clientPublic a: [UInt8], serverPublic b: [UInt8], serverSecret secret: [UInt8], verifier: [UInt8]) -> [UInt8]? {
        let trimmedA = Array(a.drop { $0 == 0 })
        guard trimmedA.count <= modulusLength else { return nil }
        let aValue = group.reducedOnce(Montgomery.limbs(fromBigEndian: trimmedA, width: group.width))
        guard !group.isZero(aValue) else { return nil }
        let u = Array(SHA256.hash(data: BigEndian.signPadded(trimmedA) + BigEndian.signPadded(b)))
        guard u.contains(where: { $0 != 0 }) else { return nil }
        let vu = Montgomery.limbs(fromBigEndian: powers.power(verifier, u), width: group.width)
        let base = group.multiply(aValue, vu)
        let s = powers.power(Montgomery.bigEndianBytes(base), secret)
        return Self.derivedKey(s: s, u: u)
    }

    /// HKDF-SHA256 with u as salt and S as input, info "Caldera Derived Key" ‖ 0x01, first 16 bytes.
    public static func derivedKey(s: [UInt8], u: [UInt8]) -> [UInt8] {
        let prk = HMAC<SHA256>.authenticationCode(for: BigEndian.signPadded(s), using: SymmetricKey(data: BigEndian.signPadded(u)))
        let info = Array("Caldera Derived Key".utf8) + [1]
        let okm = HMAC<SHA256>.authenticationCode(for: info, using: SymmetricKey(data: Data(prk)))
        return Array(Array(okm).prefix(16))
    }

    /// The PASSWORD_CLAIM_SIGNATURE a client that knows the password sends.
    public static func claimSignature(key: [UInt8], poolID: String, userID: String, secretBlock: [UInt8], timestamp: String) -> [UInt8] {
        let message = Array(poolName(poolID).utf8) + Array(userID.utf8) + secretBlock + Array(timestamp.utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

}
