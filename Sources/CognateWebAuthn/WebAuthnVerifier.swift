import CognateCrypto
import Crypto
import Foundation
import SwiftASN1
import X509

/// What the relying party expects of a ceremony: the challenge it issued, its RP ID, which origins may
/// speak for it, and whether the user must be verified.
public struct WebAuthnExpectation: Sendable {
    public var challenge: String
    public var rpID: String
    public var requireUserVerification: Bool
    public var isOriginAllowed: @Sendable (String) -> Bool

    public init(challenge: String, rpID: String, requireUserVerification: Bool, isOriginAllowed: @escaping @Sendable (String) -> Bool) {
        self.challenge = challenge
        self.rpID = rpID
        self.requireUserVerification = requireUserVerification
        self.isOriginAllowed = isOriginAllowed
    }
}

/// A credential created by a verified registration.
public struct WebAuthnRegistration: Sendable {
    public var credentialID: [UInt8]
    /// The public key, COSE-encoded, as the authenticator gave it.
    public var publicKey: [UInt8]
    public var signCount: UInt32
    public var aaguid: [UInt8]
    public var attestationFormat: String
    public var userVerified: Bool
}

/// WebAuthn registration and assertion checks (WebAuthn Level 2, §7.1 and §7.2) for the relying party:
/// client data, RP ID hash, flags, attestation (`none` and `packed`) and assertion signatures.
public enum WebAuthnVerifier {
    public static func verifyRegistration(
        clientDataJSON: [UInt8], attestationObject: [UInt8], expecting expected: WebAuthnExpectation
    ) throws(WebAuthnError) -> WebAuthnRegistration {
        try checkClientData(clientDataJSON, type: "webauthn.create", expected)
        guard let object = try? CBORDecoder.decodeWhole(attestationObject), object.map != nil,
            let format = object["fmt"]?.text, let statement = object["attStmt"]?.map, let authBytes = object["authData"]?.bytes
        else { throw .malformed("The attestation object is not a CBOR map with fmt, attStmt and authData.") }
        let authData = try AuthenticatorData(authBytes)
        try checkFlags(authData, expected)
        guard let attested = authData.attested else { throw .malformed("The registration carries no attested credential data.") }
        let key = try COSEKey(cose: attested.publicKey)
        let clientDataHash = Array(SHA256.hash(data: clientDataJSON))
        switch format {
        case "none":
            guard statement.isEmpty else { throw .badAttestation("the none format carries an empty statement") }
        case "packed":
            try verifyPacked(statement, signed: authBytes + clientDataHash, credentialKey: key, aaguid: attested.aaguid)
        default:
            throw .unsupportedFormat(format)
        }
        return WebAuthnRegistration(
            credentialID: attested.credentialID, publicKey: attested.publicKey, signCount: authData.signCount,
            aaguid: attested.aaguid, attestationFormat: format, userVerified: authData.userVerified)
    }

    /// Checks an assertion against the stored public key; answers the authenticator's new signature counter.
    public static func verifyAssertion(
        clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], publicKey: [UInt8], storedSignCount: UInt32,
        expecting expected: WebAuthnExpectation
    ) throws(WebAuthnError) -> (signCount: UInt32, userVerified: Bool) {
        try checkClientData(clientDataJSON, type: "webauthn.get", expected)
        let authData = try AuthenticatorData(authenticatorData)
        try checkFlags(authData, expected)
        let key = try COSEKey(cose: publicKey)
        let signed = authenticatorData + Array(SHA256.hash(data: clientDataJSON))
        guard key.isValidSignature(signature, for: signed) else { throw .badSignature }
        if (authData.signCount != 0 || storedSignCount != 0) && authData.signCount <= storedSignCount {
            throw .counterDidNotIncrease
        }
        return (authData.signCount, authData.userVerified)
    }

    struct ClientData: Decodable {
        var type: String
        var challenge: String
        var origin: String
        var crossOrigin: Bool?
    }

    static func checkClientData(_ json: [UInt8], type: String, _ expected: WebAuthnExpectation) throws(WebAuthnError) {
        guard let data = try? JSONDecoder().decode(ClientData.self, from: Data(json)) else {
            throw .malformed("The client data is not the JSON WebAuthn defines.")
        }
        guard data.type == type else { throw .wrongType(data.type) }
        guard let presented = Base64URL.decode(data.challenge), let issued = Base64URL.decode(expected.challenge),
            ConstantTime.equal(Array(presented), Array(issued))
        else { throw .challengeMismatch }
        guard data.crossOrigin != true, expected.isOriginAllowed(data.origin) else { throw .originNotAllowed(data.origin) }
    }

    static func checkFlags(_ authData: AuthenticatorData, _ expected: WebAuthnExpectation) throws(WebAuthnError) {
        guard authData.rpIDHash == Array(SHA256.hash(data: Array(expected.rpID.utf8))) else { throw .relyingPartyMismatch }
        guard authData.userPresent else { throw .userNotPresent }
        if expected.requireUserVerification && !authData.userVerified { throw .userNotVerified }
    }

    /// The packed format (WebAuthn §8.2): a signature by an attestation certificate (x5c) or, without one,
    /// by the credential key itself (self attestation).
    static func verifyPacked(_ statement: [CBOR: CBOR], signed: [UInt8], credentialKey: COSEKey, aaguid: [UInt8]) throws(WebAuthnError) {
        guard let alg = statement[.text("alg")]?.int, let signature = statement[.text("sig")]?.bytes else {
            throw .badAttestation("the packed statement lacks alg or sig")
        }
        guard let chain = statement[.text("x5c")]?.array else {
            guard alg == credentialKey.algorithm else { throw .badAttestation("alg differs from the credential key's") }
            guard credentialKey.isValidSignature(signature, for: signed) else { throw .badAttestation("the self-attestation signature is wrong") }
            return
        }
        guard let der = chain.first?.bytes, let certificate = try? Certificate(derEncoded: der) else {
            throw .badAttestation("x5c does not start with a DER certificate")
        }
        guard alg == COSEKey.es256Algorithm, let key = P256.Signing.PublicKey(certificate.publicKey),
            let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature)
        else { throw .badAttestation("the attestation certificate is not an ES256 key") }
        guard key.isValidSignature(sig, for: Data(signed)) else { throw .badAttestation("the attestation signature is wrong") }
        try checkAttestationCertificate(certificate, aaguid: aaguid)
    }

    static let aaguidExtension: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 45724, 1, 1, 4]

    /// The attestation certificate requirements of WebAuthn §8.2.1.
    static func checkAttestationCertificate(_ certificate: Certificate, aaguid: [UInt8]) throws(WebAuthnError) {
        guard certificate.version == .v3 else { throw .badAttestation("the attestation certificate is not X.509 v3") }
        let units = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.organizationalUnitName }
        guard units.contains(where: { "\($0.value)" == "Authenticator Attestation" }) else {
            throw .badAttestation("the attestation certificate's OU is not \"Authenticator Attestation\"")
        }
        if let constraints = try? certificate.extensions.basicConstraints, constraints != .notCertificateAuthority {
            throw .badAttestation("the attestation certificate is a CA certificate")
        }
        if let ext = certificate.extensions[oid: aaguidExtension] {
            guard let value = try? ASN1OctetString(derEncoded: ext.value), Array(value.bytes) == aaguid else {
                throw .badAttestation("the certificate's AAGUID differs from the authenticator's")
            }
        }
    }
}
