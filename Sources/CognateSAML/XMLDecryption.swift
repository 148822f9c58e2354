import CognateCrypto
import Crypto
import Foundation
import _CryptoExtras

/// Decrypts an `EncryptedAssertion` (XML Encryption) with the service provider's RSA key: the content key
/// from `EncryptedKey` (RSA-OAEP; RSA PKCS #1 v1.5 key transport is refused, it is open to padding-oracle
/// attacks), then the assertion (AES-CBC, AES-GCM, or the Triple-DES some providers still use).
public struct XMLDecryption: Sendable {
    public var privateKeyPEM: String

    public init(privateKeyPEM: String) { self.privateKeyPEM = privateKeyPEM }

    /// The decrypted assertion, parsed in the place of `encrypted` (which is gone afterwards).
    public func decrypt(_ encrypted: XMLElement) throws(SAMLFailure) -> XMLElement {
        let xenc = XMLNamespace.encryption
        guard let data = encrypted.child(xenc, "EncryptedData"), encrypted.children(xenc, "EncryptedData").count == 1,
            let algorithm = data.child(xenc, "EncryptionMethod")?.attribute("Algorithm"),
            let cipher = data.child(xenc, "CipherData")?.child(xenc, "CipherValue").flatMap({ Data(base64Encoded: $0.compactText) })
        else { throw SAMLFailure("The encrypted assertion is malformed.") }
        // The key: inside the data's KeyInfo, or beside the data in the EncryptedAssertion.
        let keyInfo = data.child(XMLNamespace.signature, "KeyInfo")
        guard let encryptedKey = keyInfo?.child(xenc, "EncryptedKey") ?? encrypted.child(xenc, "EncryptedKey") else {
            throw SAMLFailure("The encrypted assertion carries no encrypted key.")
        }
        let contentKey = try unwrap(encryptedKey)
        let plaintext = try Self.decrypt(cipher, algorithm: algorithm, key: contentKey)
        return try encrypted.replace(withParsed: plaintext)
    }

    func unwrap(_ encryptedKey: XMLElement) throws(SAMLFailure) -> [UInt8] {
        let xenc = XMLNamespace.encryption
        guard let method = encryptedKey.child(xenc, "EncryptionMethod"), let algorithm = method.attribute("Algorithm"),
            let wrapped = encryptedKey.child(xenc, "CipherData")?.child(xenc, "CipherValue").flatMap({ Data(base64Encoded: $0.compactText) })
        else { throw SAMLFailure("The encrypted key is malformed.") }
        let digest = method.child(XMLNamespace.signature, "DigestMethod")?.attribute("Algorithm") ?? "http://www.w3.org/2000/09/xmldsig#sha1"
        let mgf = method.child(XMLNamespace.encryption11, "MGF")?.attribute("Algorithm") ?? "http://www.w3.org/2009/xmlenc11#mgf1sha1"
        let padding: _RSA.Encryption.Padding
        switch (algorithm, digest, mgf) {
        case ("http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p", "http://www.w3.org/2000/09/xmldsig#sha1", _),
            ("http://www.w3.org/2009/xmlenc11#rsa-oaep", "http://www.w3.org/2000/09/xmldsig#sha1", "http://www.w3.org/2009/xmlenc11#mgf1sha1"):
            padding = .PKCS1_OAEP
        case ("http://www.w3.org/2009/xmlenc11#rsa-oaep", "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2009/xmlenc11#mgf1sha256"):
            padding = .PKCS1_OAEP_SHA256
        case ("http://www.w3.org/2001/04/xmlenc#rsa-1_5", _, _):
            throw SAMLFailure("RSA PKCS #1 v1.5 key transport is refused: encrypt the key with RSA-OAEP.")
        default:
            throw SAMLFailure("The key transport \(algorithm.prefix(128)) is not supported.")
        }
        do {
            let key = try _RSA.Encryption.PrivateKey(pemRepresentation: privateKeyPEM)
            return Array(try key.decrypt(wrapped, padding: padding))
        } catch {
            throw SAMLFailure("The assertion's key could not be decrypted with the user pool's encryption certificate.")
        }
    }

    static func decrypt(_ cipher: Data, algorithm: String, key: [UInt8]) throws(SAMLFailure) -> [UInt8] {
        let sizes: [String: Int] = [
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc": 16, "http://www.w3.org/2001/04/xmlenc#aes192-cbc": 24,
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc": 32, "http://www.w3.org/2009/xmlenc11#aes128-gcm": 16,
            "http://www.w3.org/2009/xmlenc11#aes192-gcm": 24, "http://www.w3.org/2009/xmlenc11#aes256-gcm": 32,
            "http://www.w3.org/2001/04/xmlenc#tripledes-cbc": 24,
        ]
        guard let size = sizes[algorithm] else { throw SAMLFailure("The encryption method \(algorithm.prefix(128)) is not supported.") }
        let failure = SAMLFailure("The encrypted assertion could not be decrypted.")
        guard key.count == size else { throw failure }
        let symmetric = SymmetricKey(data: key)
        let bytes = Array(cipher)
        if algorithm.hasSuffix("-gcm") {
            guard bytes.count > 28, let nonce = try? AES.GCM.Nonce(data: bytes[0..<12]),
                let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: bytes[12..<(bytes.count - 16)], tag: bytes[(bytes.count - 16)...]),
                let plain = try? AES.GCM.open(box, using: symmetric)
            else { throw failure }
            return Array(plain)
        }
        if algorithm.hasSuffix("tripledes-cbc") {
            guard bytes.count >= 16, let plain = TripleDES.decryptCBC(key: key, iv: Array(bytes[0..<8]), ciphertext: Array(bytes[8...])),
                let pad = plain.last, pad >= 1, pad <= 8, Int(pad) <= plain.count
            else { throw failure }
            return Array(plain.dropLast(Int(pad)))
        }
        // AES-CBC: the IV first; XML Encryption's padding (the last byte says how many bytes to drop).
        guard bytes.count >= 32, bytes.count % 16 == 0, let iv = try? AES._CBC.IV(ivBytes: bytes[0..<16]),
            let plain = try? AES._CBC.decrypt(bytes[16...], using: symmetric, iv: iv, noPadding: true),
            let pad = plain.last, pad >= 1, pad <= 16, Int(pad) <= plain.count
        else { throw failure }
        return Array(plain.dropLast(Int(pad)))
    }
}
