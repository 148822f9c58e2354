import Crypto
import Foundation
import Synchronization
import _CryptoExtras

/// An RSA key that signs JWTs with RS256 and describes its public half as a JWK. Parsing a PEM is slow,
/// so a signer is built once per key and kept. Signatures are made and checked by OpenSSL's libcrypto,
/// about twice as fast as BoringSSL on CPUs with AVX-512 integer multiplies; swift-crypto makes keys and
/// describes them.
public struct TokenSigner: Sendable {
    public let kid: String
    let publicKey: _RSA.Signing.PublicKey
    let key: OpenSSLRSAKey
    /// The encoded JOSE header, the same for every token of this key.
    let headerSegment: String

    public init(privateKeyPEM: String, kid: String) throws {
        let privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        publicKey = privateKey.publicKey
        guard let key = OpenSSLRSAKey(pem: privateKeyPEM) else { throw CryptoKitError.incorrectParameterSize }
        self.key = key
        self.kid = kid
        let header = try JSONSerialization.data(withJSONObject: ["kid": kid, "alg": "RS256"], options: [.sortedKeys])
        headerSegment = Base64URL.encode(header)
    }

    /// A new RSA-2048 key: its PKCS#8 PEM and a `kid` derived from its public key.
    public static func generateKey() throws -> (pem: String, kid: String) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let digest = SHA256.hash(data: key.publicKey.derRepresentation)
        return (key.pkcs8PEMRepresentation, Data(digest).base64EncodedString())
    }

    /// `header.payload.signature` for a JSON payload.
    public func sign(payload: Data) throws -> String {
        let signingInput = headerSegment + "." + Base64URL.encode(payload)
        guard let signature = key.signRS256(Array(signingInput.utf8)) else { throw CryptoKitError.underlyingCoreCryptoError(error: 0) }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Whether `signingInput` carries a valid RS256 signature by this key.
    public func isValidSignature(_ signature: Data, for signingInput: String) -> Bool {
        key.verifyRS256(Array(signature), of: Array(signingInput.utf8))
    }

    /// The public key as a JWK: kty, alg, use, kid, n, e.
    public func jwk() throws -> [String: String] {
        let primitives = try publicKey.getKeyPrimitives()
        return [
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": Base64URL.encode(primitives.modulus.drop { $0 == 0 }),
            "e": Base64URL.encode(primitives.publicExponent.drop { $0 == 0 }),
        ]
    }
}

/// The parts of a compact JWS, before anything is trusted.
public struct JWTParts: Sendable {
    public var kid: String?
    public var alg: String?
    public var payload: Data
    public var signature: Data
    public var signingInput: String

    public init?(_ token: String) {
        // Split on the two dots by bytes: tokens are ASCII, and Character-wise splitting is slow.
        let utf8 = token.utf8
        guard let first = utf8.firstIndex(of: UInt8(ascii: ".")),
            let second = utf8[utf8.index(after: first)...].firstIndex(of: UInt8(ascii: ".")),
            !utf8[utf8.index(after: second)...].contains(UInt8(ascii: "."))
        else { return nil }
        let headerPart = token[..<first]
        let payloadPart = token[token.index(after: first)..<second]
        let signaturePart = token[token.index(after: second)...]
        guard let header = Self.header(headerPart), let payload = Base64URL.decode(payloadPart),
            let signature = Base64URL.decode(signaturePart)
        else { return nil }
        kid = header.kid
        alg = header.alg
        self.payload = payload
        self.signature = signature
        signingInput = String(token[..<second])
    }

    private struct Header: Sendable {
        var kid: String?
        var alg: String?
    }

    /// Recently seen headers: a pool signs every token with the same one, so each is parsed once.
    private static let seenHeaders = Mutex<[String: Header]>([:])

    private static func header(_ segment: Substring) -> Header? {
        let key = String(segment)
        if let known = seenHeaders.withLock({ $0[key] }) { return known }
        guard let data = Base64URL.decode(segment),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let header = Header(kid: object["kid"] as? String, alg: object["alg"] as? String)
        // Only short headers are remembered, so tokens made up by a client cannot fill memory.
        guard key.utf8.count <= 256 else { return header }
        seenHeaders.withLock { seen in
            if seen.count >= 256 { seen.removeAll() }  // bounded against floods of distinct headers
            seen[key] = header
        }
        return header
    }
}
