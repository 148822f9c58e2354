import CognateCrypto
import Crypto
import Foundation
import X509
import _CryptoExtras

/// Checks the enveloped XML signature of one element (a SAML `Response` or `Assertion`) against the
/// identity provider's certificates from its metadata — never against a key the document carries. The
/// profile is SAML's (SAMLCore §5): one `Signature`, a direct child of the signed element, with one
/// `Reference` to that very element's `ID`, which no other element of the document may carry; only the
/// enveloped-signature and canonicalization transforms.
public struct XMLSignatureVerifier: Sendable {
    public var certificates: [Certificate]

    public init(certificates: [Certificate]) { self.certificates = certificates }

    static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

    /// The element's own signature, if it has one (nil), or the reason it is refused.
    public func signature(of element: XMLElement) throws(SAMLFailure) -> XMLElement? {
        let signatures = element.children(XMLNamespace.signature, "Signature")
        guard signatures.count <= 1 else { throw SAMLFailure("The \(element.localName) has more than one signature.") }
        return signatures.first
    }

    /// Throws unless `element` carries a valid signature of one of the certificates.
    public func verify(_ element: XMLElement) throws(SAMLFailure) {
        guard let signature = try signature(of: element) else { throw SAMLFailure("The \(element.localName) is not signed.") }
        let ds = XMLNamespace.signature
        guard let signedInfo = signature.child(ds, "SignedInfo"), signature.children(ds, "SignedInfo").count == 1,
            let methodName = signedInfo.child(ds, "CanonicalizationMethod")?.attribute("Algorithm"),
            let method = Canonicalization(rawValue: methodName),
            let signatureAlgorithm = signedInfo.child(ds, "SignatureMethod")?.attribute("Algorithm"),
            let signatureValue = signature.child(ds, "SignatureValue").flatMap({ Data(base64Encoded: $0.compactText) }), !signatureValue.isEmpty
        else { throw SAMLFailure("The signature of the \(element.localName) is malformed.") }
        let references = signedInfo.children(ds, "Reference")
        guard references.count == 1, let reference = references.first else {
            throw SAMLFailure("The signature of the \(element.localName) must have exactly one reference.")
        }
        // The reference names the signed element itself, by an ID no other element has.
        guard let id = element.attribute("ID"), !id.isEmpty, reference.attribute("URI") == "#" + id else {
            throw SAMLFailure("The signature of the \(element.localName) does not reference it.")
        }
        guard element.tree.elements(withID: id) == 1 else {
            throw SAMLFailure("The document has more than one element with the signed ID.")
        }
        // Transforms: enveloped-signature and one canonicalization, nothing else.
        var referenceMethod = Canonicalization.inclusive
        var prefixes: [String] = []
        var envelopes = false
        for transform in reference.child(ds, "Transforms")?.children(ds, "Transform") ?? [] {
            let algorithm = transform.attribute("Algorithm") ?? ""
            if algorithm == Self.enveloped {
                envelopes = true
            } else if let canonical = Canonicalization(rawValue: algorithm) {
                referenceMethod = canonical
                prefixes = Self.prefixList(transform)
            } else {
                throw SAMLFailure("The signature uses a transform SAML does not allow: \(algorithm.prefix(128)).")
            }
        }
        guard envelopes else { throw SAMLFailure("The signature of the \(element.localName) is not enveloped.") }
        guard let digestAlgorithm = reference.child(ds, "DigestMethod")?.attribute("Algorithm"),
            let expected = reference.child(ds, "DigestValue").flatMap({ Data(base64Encoded: $0.compactText) })
        else { throw SAMLFailure("The signature's reference is malformed.") }
        let content = try referenceMethod.withoutComments.canonicalize(element, excluding: signature, inclusivePrefixes: prefixes)
        guard let digest = Self.digest(digestAlgorithm, content) else {
            throw SAMLFailure("The digest method \(digestAlgorithm.prefix(128)) is not supported.")
        }
        guard ConstantTime.equal(digest, Array(expected)) else {
            throw SAMLFailure("The digest of the \(element.localName) does not match its signature: it was changed after signing.")
        }
        let signedBytes = try method.canonicalize(signedInfo, inclusivePrefixes: Self.prefixList(signedInfo.child(ds, "CanonicalizationMethod")))
        guard Self.isSupported(signatureAlgorithm) else {
            throw SAMLFailure("The signature method \(signatureAlgorithm.prefix(128)) is not supported.")
        }
        guard certificates.contains(where: { Self.verify(signatureValue, of: signedBytes, algorithm: signatureAlgorithm, key: $0.publicKey) }) else {
            throw SAMLFailure("The signature of the \(element.localName) is not the identity provider's.")
        }
    }

    static func prefixList(_ element: XMLElement?) -> [String] {
        guard let list = element?.child(XMLNamespace.exclusiveC14N, "InclusiveNamespaces")?.attribute("PrefixList") else { return [] }
        return list.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    static func digest(_ algorithm: String, _ bytes: [UInt8]) -> [UInt8]? {
        switch algorithm {
        case "http://www.w3.org/2000/09/xmldsig#sha1": Array(Insecure.SHA1.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmlenc#sha256": Array(SHA256.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmldsig-more#sha384": Array(SHA384.hash(data: bytes))
        case "http://www.w3.org/2001/04/xmlenc#sha512": Array(SHA512.hash(data: bytes))
        default: nil
        }
    }

    static let rsa = [
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    ]
    static let ecdsa = [
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    ]

    static func isSupported(_ algorithm: String) -> Bool { rsa.contains(algorithm) || ecdsa.contains(algorithm) }

    static func verify(_ signature: Data, of bytes: [UInt8], algorithm: String, key: Certificate.PublicKey) -> Bool {
        if let rsaKey = _RSA.Signing.PublicKey(key), rsa.contains(algorithm) {
            let value = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case rsa[0]: return rsaKey.isValidSignature(value, for: Insecure.SHA1.hash(data: bytes), padding: .insecurePKCS1v1_5)
            case rsa[1]: return rsaKey.isValidSignature(value, for: SHA256.hash(data: bytes), padding: .insecurePKCS1v1_5)
            case rsa[2]: return rsaKey.isValidSignature(value, for: SHA384.hash(data: bytes), padding: .insecurePKCS1v1_5)
            default: return rsaKey.isValidSignature(value, for: SHA512.hash(data: bytes), padding: .insecurePKCS1v1_5)
            }
        }
        guard ecdsa.contains(algorithm) else { return false }
        if let p256 = P256.Signing.PublicKey(key), let value = try? P256.Signing.ECDSASignature(rawRepresentation: signature) {
            return algorithm == ecdsa[0] && p256.isValidSignature(value, for: SHA256.hash(data: bytes))
        }
        if let p384 = P384.Signing.PublicKey(key), let value = try? P384.Signing.ECDSASignature(rawRepresentation: signature) {
            return algorithm == ecdsa[1] && p384.isValidSignature(value, for: SHA384.hash(data: bytes))
        }
        if let p521 = P521.Signing.PublicKey(key), let value = try? P521.Signing.ECDSASignature(rawRepresentation: signature) {
            return algorithm == ecdsa[2] && p521.isValidSignature(value, for: SHA512.hash(data: bytes))
        }
        return false
    }
}
