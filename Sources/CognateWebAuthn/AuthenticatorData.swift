/// The authenticator data of a WebAuthn registration or assertion (WebAuthn §6.1).
public struct AuthenticatorData: Sendable {
    public let raw: [UInt8]
    public let rpIDHash: [UInt8]
    public let flags: UInt8
    public let signCount: UInt32
    /// Present in registrations: the authenticator model, the credential ID and its public key (COSE).
    public let attested: (aaguid: [UInt8], credentialID: [UInt8], publicKey: [UInt8])?

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else { throw .malformed("The authenticator data is shorter than 37 bytes.") }
        raw = bytes
        rpIDHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { ($0 << 8) | UInt32($1) }
        var position = 37
        if flags & 0x40 != 0 {
            guard bytes.count >= position + 18 else { throw .malformed("The attested credential data is truncated.") }
            let aaguid = Array(bytes[position..<(position + 16)])
            let length = Int(bytes[position + 16]) << 8 | Int(bytes[position + 17])
            position += 18
            guard length > 0, length <= 1023, bytes.count >= position + length else {
                throw .malformed("The credential ID length is not valid.")
            }
            let credentialID = Array(bytes[position..<(position + length)])
            position += length
            var decoder = CBORDecoder(bytes, from: position)
            guard (try? decoder.decode()) != nil else { throw .malformed("The credential public key is not CBOR.") }
            attested = (aaguid, credentialID, Array(bytes[position..<decoder.position]))
            position = decoder.position
        } else {
            attested = nil
        }
        if flags & 0x80 != 0 {
            var decoder = CBORDecoder(bytes, from: position)
            guard (try? decoder.decode())?.map != nil else { throw .malformed("The extension data is not a CBOR map.") }
            position = decoder.position
        }
        guard position == bytes.count else { throw .malformed("The authenticator data has trailing bytes.") }
    }
}
