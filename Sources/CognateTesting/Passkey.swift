import CognateCrypto
import CognateWebAuthn
import CognitoModel
import Crypto
import Foundation
import Synchronization

/// A software passkey (ES256, `none` attestation), as a platform authenticator answers
/// `navigator.credentials.create` and `.get`: registrations for CompleteWebAuthnRegistration and assertions
/// for a WEB_AUTHN challenge, from the options Cognate gave, in the PublicKeyCredential JSON form.
public final class Passkey: Sendable {
    public let id: [UInt8]
    let key: P256.Signing.PrivateKey
    private let counter = Mutex<UInt32>(0)

    public init(id: [UInt8] = Array(repeating: 0xA7, count: 16), key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.id = id
        self.key = key
    }

    /// The credential ID as Cognate lists it (base64url).
    public var credentialID: String { Base64URL.encode(id) }

    /// The answer to `navigator.credentials.create(options)`, `options` as StartWebAuthnRegistration gave them.
    public func register(_ options: JSONValue, origin: String, userVerified: Bool = true) -> JSONValue {
        let rpID = options[member: "rp"]?[member: "id"]?.text ?? ""
        let clientData = Self.clientData("webauthn.create", challenge: options[member: "challenge"]?.text ?? "", origin: origin)
        let raw = Array(key.publicKey.rawRepresentation)
        let cose = CBOR.map([
            .int(1): .int(2), .int(3): .int(-7), .int(-1): .int(1), .int(-2): .bytes(Array(raw[0..<32])), .int(-3): .bytes(Array(raw[32..<64])),
        ]).encoded
        let attested = Array(repeating: 0, count: 16) + [UInt8(id.count >> 8), UInt8(id.count & 0xFF)] + id + cose
        let authData = authenticatorData(rpID: rpID, flags: 0x41 | (userVerified ? 0x04 : 0), counter: 0) + attested
        let object = CBOR.map([.text("fmt"): .text("none"), .text("attStmt"): .map([:]), .text("authData"): .bytes(authData)]).encoded
        return .object([
            "id": .string(credentialID), "rawId": .string(credentialID), "type": .string("public-key"),
            "authenticatorAttachment": .string("platform"),
            "response": .object([
                "clientDataJSON": .string(Base64URL.encode(clientData)), "attestationObject": .string(Base64URL.encode(object)),
                "transports": .array([.string("internal")]),
            ]),
            "clientExtensionResults": .object([:]),
        ])
    }

    /// The answer to `navigator.credentials.get(options)`, as the JSON text a WEB_AUTHN challenge's CREDENTIAL
    /// carries; `options` is the challenge's CREDENTIAL_REQUEST_OPTIONS. Each assertion counts up.
    public func assert(_ options: String, origin: String, userVerified: Bool = true) -> String {
        let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(options.utf8))
        let clientData = Self.clientData("webauthn.get", challenge: parsed?[member: "challenge"]?.text ?? "", origin: origin)
        let count = counter.withLock { count in
            count += 1
            return count
        }
        let authData = authenticatorData(rpID: parsed?[member: "rpId"]?.text ?? "", flags: 0x01 | (userVerified ? 0x04 : 0), counter: count)
        let signature = (try? key.signature(for: Data(authData + Array(SHA256.hash(data: clientData)))).derRepresentation) ?? Data()
        let credential = JSONValue.object([
            "id": .string(credentialID), "rawId": .string(credentialID), "type": .string("public-key"),
            "response": .object([
                "clientDataJSON": .string(Base64URL.encode(clientData)), "authenticatorData": .string(Base64URL.encode(authData)),
                "signature": .string(Base64URL.encode(Array(signature))),
            ]),
            "clientExtensionResults": .object([:]),
        ])
        return Self.text(credential)
    }

    private func authenticatorData(rpID: String, flags: UInt8, counter: UInt32) -> [UInt8] {
        Array(SHA256.hash(data: Array(rpID.utf8))) + [flags] + withUnsafeBytes(of: counter.bigEndian, Array.init)
    }

    static func clientData(_ type: String, challenge: String, origin: String) -> [UInt8] {
        Array(
            text(.object(["type": .string(type), "challenge": .string(challenge), "origin": .string(origin), "crossOrigin": .bool(false)])).utf8)
    }

    static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
