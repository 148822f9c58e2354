import CognateCrypto
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import _CryptoExtras

@testable import CognateWebAuthn

/// WebAuthn verification against a software authenticator built here: registrations in the `none` and
/// `packed` formats (self attestation and an x5c certificate), ES256 and RS256 keys, assertions, and
/// every tampering the relying party must refuse.
@Suite struct WebAuthnTests {
    static let rpID = "login.example.com"
    static let origin = "https://login.example.com"

    /// CognateWebAuthn's encoder builds the attestation objects and COSE keys.
    static func cbor(_ item: CBOR) -> [UInt8] { item.encoded }

    enum Key {
        case ec(P256.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)

        var cose: [UInt8] {
            switch self {
            case .ec(let key):
                let raw = Array(key.publicKey.rawRepresentation)
                return WebAuthnTests.cbor(
                    .map([
                        .int(1): .int(2), .int(3): .int(-7), .int(-1): .int(1),
                        .int(-2): .bytes(Array(raw[0..<32])), .int(-3): .bytes(Array(raw[32..<64])),
                    ]))
            case .rsa(let key):
                let pk = key.publicKey.pkcs1DERRepresentation
                let sequence = try! DER.parse(Array(pk))
                guard case .constructed(let nodes) = sequence.content else { fatalError() }
                let parts = nodes.map { node -> [UInt8] in
                    guard case .primitive(let bytes) = node.content else { fatalError() }
                    return Array(bytes.drop { $0 == 0 })
                }
                return WebAuthnTests.cbor(.map([.int(1): .int(3), .int(3): .int(-257), .int(-1): .bytes(parts[0]), .int(-2): .bytes(parts[1])]))
            }
        }

        var algorithm: Int {
            switch self {
            case .ec: -7
            case .rsa: -257
            }
        }

        func sign(_ data: [UInt8]) -> [UInt8] {
            switch self {
            case .ec(let key): Array(try! key.signature(for: Data(data)).derRepresentation)
            case .rsa(let key): Array(try! key.signature(for: Data(data), padding: .insecurePKCS1v1_5).rawRepresentation)
            }
        }
    }

    struct Authenticator {
        var key: Key
        var credentialID: [UInt8] = Array(repeating: 7, count: 16)
        var aaguid: [UInt8] = Array(repeating: 0, count: 16)
        var counter: UInt32 = 0

        func authData(rpID: String = WebAuthnTests.rpID, flags: UInt8, attested: Bool) -> [UInt8] {
            var data = Array(SHA256.hash(data: Array(rpID.utf8))) + [flags] + withUnsafeBytes(of: counter.bigEndian, Array.init)
            if attested {
                data += aaguid + [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xFF)] + credentialID + key.cose
            }
            return data
        }
    }

    static func clientData(_ type: String, challenge: String, origin: String = WebAuthnTests.origin) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    static func expectation(_ challenge: String, uv: Bool = false) -> WebAuthnExpectation {
        WebAuthnExpectation(challenge: challenge, rpID: rpID, requireUserVerification: uv) { $0 == WebAuthnTests.origin }
    }

    let challenge = Base64URL.encode((0..<32).map { UInt8($0) })

    func register(
        _ authenticator: Authenticator, format: String = "none", statement: [CBOR: CBOR] = [:], flags: UInt8 = 0x45,
        clientData: [UInt8]? = nil, rpID: String = WebAuthnTests.rpID, uv: Bool = false
    ) throws(WebAuthnError) -> WebAuthnRegistration {
        let cd = clientData ?? Self.clientData("webauthn.create", challenge: challenge)
        let authData = authenticator.authData(rpID: rpID, flags: flags, attested: true)
        var statement = statement
        if format == "packed" && statement[.text("sig")] == nil {
            statement[.text("alg")] = .int(authenticator.key.algorithm)
            statement[.text("sig")] = .bytes(authenticator.key.sign(authData + Array(SHA256.hash(data: cd))))
        }
        let object = Self.cbor(.map([.text("fmt"): .text(format), .text("attStmt"): .map(statement), .text("authData"): .bytes(authData)]))
        return try WebAuthnVerifier.verifyRegistration(clientDataJSON: cd, attestationObject: object, expecting: Self.expectation(challenge, uv: uv))
    }

    @Test func noneAttestationRegistersAnES256Key() throws {
        let authenticator = Authenticator(key: .ec(P256.Signing.PrivateKey()))
        let registration = try register(authenticator)
        #expect(registration.credentialID == authenticator.credentialID)
        #expect(registration.publicKey == authenticator.key.cose)
        #expect(registration.attestationFormat == "none" && registration.userVerified)
    }

    @Test func packedSelfAttestationWithES256AndRS256() throws {
        let ec = Authenticator(key: .ec(P256.Signing.PrivateKey()))
        #expect(try register(ec, format: "packed").attestationFormat == "packed")
        let rsa = Authenticator(key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        let cd = Self.clientData("webauthn.create", challenge: challenge)
        let authData = rsa.authData(flags: 0x45, attested: true)
        let sig = rsa.key.sign(authData + Array(SHA256.hash(data: cd)))
        #expect(try register(rsa, format: "packed", statement: [.text("alg"): .int(-257), .text("sig"): .bytes(sig)]).publicKey == rsa.key.cose)
        // A self-attestation signature by another key fails.
        let other = Key.ec(P256.Signing.PrivateKey()).sign(ec.authData(flags: 0x45, attested: true) + Array(SHA256.hash(data: cd)))
        #expect(throws: WebAuthnError.self) {
            try register(ec, format: "packed", statement: [.text("alg"): .int(-7), .text("sig"): .bytes(other)])
        }
    }

    @Test func packedAttestationWithACertificate() throws {
        let authenticator = Authenticator(key: .ec(P256.Signing.PrivateKey()), aaguid: Array(repeating: 9, count: 16))
        let attestationKey = P256.Signing.PrivateKey()
        func certificate(unit: String) throws -> [UInt8] {
            let name = try DistinguishedName {
                CountryName("US")
                OrganizationName("Cognate Tests")
                OrganizationalUnitName(unit)
                CommonName("Test Authenticator")
            }
            let cert = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(attestationKey.publicKey),
                notValidBefore: Date().addingTimeInterval(-60), notValidAfter: Date().addingTimeInterval(3600),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) },
                issuerPrivateKey: .init(attestationKey))
            var serializer = DER.Serializer()
            try serializer.serialize(cert)
            return serializer.serializedBytes
        }
        let cd = Self.clientData("webauthn.create", challenge: challenge)
        let signed = authenticator.authData(flags: 0x45, attested: true) + Array(SHA256.hash(data: cd))
        let sig = Array(try attestationKey.signature(for: Data(signed)).derRepresentation)
        let good = try certificate(unit: "Authenticator Attestation")
        #expect(
            try register(
                authenticator, format: "packed",
                statement: [.text("alg"): .int(-7), .text("sig"): .bytes(sig), .text("x5c"): .array([.bytes(good)])]
            ).aaguid
                == authenticator.aaguid)
        let wrongUnit = try certificate(unit: "Marketing")
        #expect(throws: WebAuthnError.self) {
            try register(
                authenticator, format: "packed",
                statement: [.text("alg"): .int(-7), .text("sig"): .bytes(sig), .text("x5c"): .array([.bytes(wrongUnit)])])
        }
        let forged = Array(try P256.Signing.PrivateKey().signature(for: Data(signed)).derRepresentation)
        #expect(throws: WebAuthnError.self) {
            try register(
                authenticator, format: "packed",
                statement: [.text("alg"): .int(-7), .text("sig"): .bytes(forged), .text("x5c"): .array([.bytes(good)])])
        }
    }

    @Test func registrationsThatMustBeRefused() {
        let authenticator = Authenticator(key: .ec(P256.Signing.PrivateKey()))
        #expect(throws: WebAuthnError.challengeMismatch) {
            try register(authenticator, clientData: Self.clientData("webauthn.create", challenge: Base64URL.encode([1, 2, 3])))
        }
        #expect(throws: WebAuthnError.originNotAllowed("https://evil.example")) {
            try register(authenticator, clientData: Self.clientData("webauthn.create", challenge: challenge, origin: "https://evil.example"))
        }
        #expect(throws: WebAuthnError.wrongType("webauthn.get")) {
            try register(authenticator, clientData: Self.clientData("webauthn.get", challenge: challenge))
        }
        #expect(throws: WebAuthnError.relyingPartyMismatch) { try register(authenticator, rpID: "other.example.com") }
        #expect(throws: WebAuthnError.userNotPresent) { try register(authenticator, flags: 0x44) }
        #expect(throws: WebAuthnError.userNotVerified) { try register(authenticator, flags: 0x41, uv: true) }
        #expect(throws: WebAuthnError.unsupportedFormat("tpm")) { try register(authenticator, format: "tpm") }
        #expect(throws: WebAuthnError.self) {
            try WebAuthnVerifier.verifyRegistration(
                clientDataJSON: Self.clientData("webauthn.create", challenge: challenge), attestationObject: [0xA1, 0x61],
                expecting: Self.expectation(challenge))
        }
    }

    @Test func assertionsCheckSignatureAndCounter() throws {
        var authenticator = Authenticator(key: .ec(P256.Signing.PrivateKey()))
        authenticator.counter = 5
        let cd = Self.clientData("webauthn.get", challenge: challenge)
        let authData = authenticator.authData(flags: 0x05, attested: false)
        let signature = authenticator.key.sign(authData + Array(SHA256.hash(data: cd)))
        let result = try WebAuthnVerifier.verifyAssertion(
            clientDataJSON: cd, authenticatorData: authData, signature: signature, publicKey: authenticator.key.cose,
            storedSignCount: 4, expecting: Self.expectation(challenge))
        #expect(result.signCount == 5 && result.userVerified)
        #expect(throws: WebAuthnError.counterDidNotIncrease) {
            try WebAuthnVerifier.verifyAssertion(
                clientDataJSON: cd, authenticatorData: authData, signature: signature, publicKey: authenticator.key.cose,
                storedSignCount: 5, expecting: Self.expectation(challenge))
        }
        var tampered = authData
        tampered[36] ^= 0x01  // the counter, after signing
        #expect(throws: WebAuthnError.badSignature) {
            try WebAuthnVerifier.verifyAssertion(
                clientDataJSON: cd, authenticatorData: tampered, signature: signature, publicKey: authenticator.key.cose,
                storedSignCount: 0, expecting: Self.expectation(challenge))
        }
        let otherKey = Key.ec(P256.Signing.PrivateKey()).cose
        #expect(throws: WebAuthnError.badSignature) {
            try WebAuthnVerifier.verifyAssertion(
                clientDataJSON: cd, authenticatorData: authData, signature: signature, publicKey: otherKey,
                storedSignCount: 0, expecting: Self.expectation(challenge))
        }
    }

    @Test func cborRefusesWhatWebAuthnNeverSends() throws {
        #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole([0x5F, 0x41, 0x00, 0xFF]) }  // indefinite length
        #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole([0x5A, 0xFF, 0xFF, 0xFF, 0xFF]) }  // length past the end
        #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole([0xA2, 0x01, 0x01, 0x01, 0x02]) }  // duplicate key
        #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole(Array(repeating: 0x81, count: 40) + [0x00]) }  // too deep
        #expect(throws: CBORError.self) { try CBORDecoder.decodeWhole([0x01, 0x02]) }  // trailing bytes
        #expect(try CBORDecoder.decodeWhole([0x38, 0x18]) == .int(-25))
    }

    @Test func cborEncodingReadsBack() throws {
        let items: [CBOR] = [
            .int(0), .int(23), .int(24), .int(255), .int(256), .int(65_535), .int(65_536), .int(-1), .int(-25), .unsigned(1 << 40),
            .bytes([]), .bytes(Array(repeating: 9, count: 300)), .text("fmt"), .text(String(repeating: "é", count: 40)),
            .array([.int(1), .text("x")]), .map([.int(3): .int(-7), .text("alg"): .bool(true), .int(-2): .null]),
            .tagged(24, .bytes([1, 2])), .float(1.5),
        ]
        for item in items {
            #expect(try CBORDecoder.decodeWhole(item.encoded) == item)
        }
        // RFC 8949 Appendix A's examples.
        #expect(CBOR.int(1_000_000).encoded == [0x1A, 0x00, 0x0F, 0x42, 0x40])
        #expect(CBOR.int(-1000).encoded == [0x39, 0x03, 0xE7])
        #expect(CBOR.text("IETF").encoded == [0x64, 0x49, 0x45, 0x54, 0x46])
    }
}
