import CognateCrypto
import CognitoModel
import Crypto
import Foundation
import _CryptoExtras

/// Checks an identity provider's ID token as an OpenID relying party must (OIDC Core §3.1.3.7): the
/// signature with a key of the provider's JWKS (RS256/384/512, ES256/384, or HS256 with the client
/// secret — what Cognito accepts), the issuer, the audience, the expiry and the nonce. Everything in the
/// token is untrusted input: sizes are bounded and every field is checked for its type.
struct IDTokenVerifier {
    let issuer: String
    let clientID: String
    let clientSecret: String?
    let now: Date

    /// Clock difference tolerated between Cognate and the provider.
    static let skew: TimeInterval = 300
    static let maxToken = 64 * 1024

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The token's claims once everything holds. `keys` is the provider's JWKS document.
    func verify(_ token: String, keys: [UInt8], nonce: String) throws -> [String: JSONValue] {
        guard token.utf8.count <= Self.maxToken else { throw Failure("the ID token is too long") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])), let payloadBytes = Base64URL.decode(String(parts[1])),
            let signature = Base64URL.decode(String(parts[2])),
            let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
            case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: Data(payloadBytes)),
            let algorithm = header["alg"] as? String
        else { throw Failure("the ID token is not a JWT") }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard try checkSignature(Array(signature), of: signed, algorithm: algorithm, kid: header["kid"] as? String, keys: keys) else {
            throw Failure("the ID token's signature does not hold")
        }
        guard claims["iss"] == .string(issuer) else { throw Failure("the ID token is from another issuer") }
        let audience: [JSONValue]
        switch claims["aud"] {
        case .string(let one)?: audience = [.string(one)]
        case .array(let many)?: audience = many
        default: audience = []
        }
        guard audience.contains(.string(clientID)) else { throw Failure("the ID token is for another client") }
        // A token for several audiences names the party it was issued to (OIDC Core §3.1.3.7).
        if audience.count > 1, claims["azp"] != .string(clientID) { throw Failure("the ID token was issued to another party") }
        guard case .number(let exp)? = claims["exp"], Date(timeIntervalSince1970: exp + Self.skew) > now else {
            throw Failure("the ID token has expired")
        }
        if case .number(let iat)? = claims["iat"], Date(timeIntervalSince1970: iat - Self.skew) > now {
            throw Failure("the ID token was issued in the future")
        }
        guard claims["nonce"] == .string(nonce) else { throw Failure("the ID token's nonce is not the one sent") }
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty, subject.utf8.count <= 255 else {
            throw Failure("the ID token has no subject")
        }
        return claims
    }

    private func checkSignature(_ signature: [UInt8], of message: [UInt8], algorithm: String, kid: String?, keys: [UInt8]) throws -> Bool {
        if algorithm == "HS256" {
            guard let secret = clientSecret, !secret.isEmpty else { throw Failure("an HS256 ID token needs the client secret") }
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
            return ConstantTime.equal(Array(mac), signature)
        }
        guard keys.count <= 256 * 1024, let document = try? JSONSerialization.jsonObject(with: Data(keys)) as? [String: Any],
            let list = document["keys"] as? [[String: Any]]
        else { throw Failure("the provider's JWKS cannot be read") }
        // The key the header names, else every key of the algorithm's type.
        let candidates = list.filter { key in
            (kid == nil || key["kid"] as? String == kid) && (key["use"] as? String ?? "sig") == "sig"
        }
        for key in candidates.prefix(20) where verify(signature, of: message, algorithm: algorithm, key: key) { return true }
        return false
    }

    private func verify(_ signature: [UInt8], of message: [UInt8], algorithm: String, key: [String: Any]) -> Bool {
        switch algorithm {
        case "RS256", "RS384", "RS512":
            guard key["kty"] as? String == "RSA", let n = (key["n"] as? String).flatMap(Base64URL.decode),
                let e = (key["e"] as? String).flatMap(Base64URL.decode), n.count >= 256, n.count <= 1024,
                let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return false }
            let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case "RS256": return publicKey.isValidSignature(rsa, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
            case "RS384": return publicKey.isValidSignature(rsa, for: SHA384.hash(data: message), padding: .insecurePKCS1v1_5)
            default: return publicKey.isValidSignature(rsa, for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5)
            }
        case "ES256":
            guard key["kty"] as? String == "EC", key["crv"] as? String == "P-256", let x = (key["x"] as? String).flatMap(Base64URL.decode),
                let y = (key["y"] as? String).flatMap(Base64URL.decode), x.count == 32, y.count == 32,
                let publicKey = try? P256.Signing.PublicKey(rawRepresentation: x + y),
                let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return publicKey.isValidSignature(ecdsa, for: SHA256.hash(data: message))
        case "ES384":
            guard key["kty"] as? String == "EC", key["crv"] as? String == "P-384", let x = (key["x"] as? String).flatMap(Base64URL.decode),
                let y = (key["y"] as? String).flatMap(Base64URL.decode), x.count == 48, y.count == 48,
                let publicKey = try? P384.Signing.PublicKey(rawRepresentation: x + y),
                let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return publicKey.isValidSignature(ecdsa, for: SHA384.hash(data: message))
        default:
            return false
        }
    }
}
