import Crypto
import Foundation
import _CryptoExtras

/// A credential public key in COSE form (RFC 9053), limited to what passkeys use: ES256 (P-256 with
/// SHA-256) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
public enum COSEKey: Sendable {
    case es256(P256.Signing.PublicKey)
    case rs256(_RSA.Signing.PublicKey)

    public static let es256Algorithm = -7
    public static let rs256Algorithm = -257

    /// The COSE algorithm number.
    public var algorithm: Int {
        switch self {
        case .es256: Self.es256Algorithm
        case .rs256: Self.rs256Algorithm
        }
    }

    public init(cose bytes: [UInt8]) throws(WebAuthnError) {
        guard let key = try? CBORDecoder.decodeWhole(bytes) else { throw .malformed("The credential public key is not CBOR.") }
        try self.init(cose: key)
    }

    public init(cose key: CBOR) throws(WebAuthnError) {
        guard key.map != nil, let kty = key[1]?.int, let alg = key[3]?.int else {
            throw .malformed("The credential public key lacks kty or alg.")
        }
        switch (kty, alg) {
        case (2, Self.es256Algorithm):
            guard key[-1]?.int == 1, let x = key[-2]?.bytes, let y = key[-3]?.bytes, x.count == 32, y.count == 32,
                let publicKey = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
            else { throw .malformed("The ES256 key is not a valid P-256 point.") }
            self = .es256(publicKey)
        case (3, Self.rs256Algorithm):
            guard let n = key[-1]?.bytes, let e = key[-2]?.bytes, n.count >= 256,
                let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { throw .malformed("The RS256 key is not a valid RSA key of at least 2048 bits.") }
            self = .rs256(publicKey)
        default:
            throw .unsupportedAlgorithm(alg)
        }
    }

    /// Whether `signature` (DER ECDSA for ES256, PKCS #1 v1.5 for RS256) signs `data`.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        switch self {
        case .es256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: Data(data))
        case .rs256(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data(data),
                padding: .insecurePKCS1v1_5)
        }
    }
}
