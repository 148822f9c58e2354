import Crypto
import Foundation

/// A message of the AWS Encryption SDK's format (version 2) under the SDK's default algorithm suite
/// 0x0578 — AES-256-GCM with a key derived by HKDF-SHA512, key commitment, and an ECDSA P-384 signature —
/// in one framed body. This is how Cognito hands codes to CustomEmailSender and CustomSMSSender
/// functions: a function that decrypts with the Encryption SDK and a KMS keyring reads it unchanged.
/// The layout and constants are the SDK's published message format.
public enum EncryptionSDKMessage {
    public static let suiteID: UInt16 = 0x0578
    /// The encryption-context key that carries the signature's public key (base64 of the compressed point).
    public static let publicKeyContextKey = "aws-crypto-public-key"
    /// The key provider of data keys encrypted by AWS KMS.
    public static let kmsProviderID = "aws-kms"
    static let frameLength: UInt32 = 4096
    static let finalFrameLabel = Array("AWSKMSEncryptionClient Final Frame".utf8)
    static let frameLabel = Array("AWSKMSEncryptionClient Frame".utf8)

    /// A data key as KMS answers GenerateDataKey: the key, and the key encrypted under the KMS key `keyARN`.
    public struct DataKey: Sendable {
        public var plaintext: [UInt8]
        public var encrypted: [UInt8]
        public var keyARN: String

        public init(plaintext: [UInt8], encrypted: [UInt8], keyARN: String) {
            self.plaintext = plaintext
            self.encrypted = encrypted
            self.keyARN = keyARN
        }
    }

    public enum Failure: Error {
        case invalidDataKey
        case tooLong
    }

    /// A message's signing key, from 48 random bytes (a fresh key in the rare case they are not a valid scalar).
    public static func signingKey(random bytes: [UInt8]) -> P384.Signing.PrivateKey {
        (try? P384.Signing.PrivateKey(rawRepresentation: bytes)) ?? P384.Signing.PrivateKey()
    }

    /// The encryption context a message signed by `key` carries; it must also be the context KMS generated
    /// the data key under, since KMS checks it again when the function decrypts.
    public static func context(signingKey key: P384.Signing.PrivateKey, _ extra: [String: String] = [:]) -> [String: String] {
        extra.merging([publicKeyContextKey: Data(key.publicKey.compressedRepresentation).base64EncodedString()]) { $1 }
    }

    /// Encrypts `plaintext` (up to one frame, 4,096 bytes: codes and temporary passwords) into a message.
    /// `messageID` is 32 random bytes.
    public static func seal(
        _ plaintext: [UInt8], dataKey: DataKey, context: [String: String], signingKey: P384.Signing.PrivateKey, messageID: [UInt8]
    ) throws -> [UInt8] {
        guard dataKey.plaintext.count == 32, messageID.count == 32 else { throw Failure.invalidDataKey }
        guard plaintext.count <= Int(frameLength) else { throw Failure.tooLong }
        let source = SymmetricKey(data: dataKey.plaintext)
        var info = [UInt8(suiteID >> 8), UInt8(suiteID & 0xFF)]
        info += Array("DERIVEKEY".utf8)
        let key = HKDF<SHA512>.deriveKey(inputKeyMaterial: source, salt: messageID, info: info, outputByteCount: 32)
        let commitment = HKDF<SHA512>.deriveKey(inputKeyMaterial: source, salt: messageID, info: Array("COMMITKEY".utf8), outputByteCount: 32)

        var header: [UInt8] = [0x02]
        append16(suiteID, to: &header)
        header += messageID
        let serializedContext = serialize(context)
        append16(UInt16(serializedContext.count), to: &header)
        header += serializedContext
        append16(1, to: &header)  // one encrypted data key
        appendField(Array(kmsProviderID.utf8), to: &header)
        appendField(Array(dataKey.keyARN.utf8), to: &header)
        appendField(dataKey.encrypted, to: &header)
        header.append(0x02)  // framed content
        append32(frameLength, to: &header)
        header += commitment.withUnsafeBytes { Array($0) }

        // Header authentication (version 2): the tag of an empty plaintext, the IV all zeros.
        let headerSeal = try AES.GCM.seal(
            [UInt8](), using: key, nonce: try AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)),
            authenticating: header)
        var message = header + Array(headerSeal.tag)

        // The body: one final frame, sequence number 1.
        let sequence: UInt32 = 1
        let iv = [UInt8](repeating: 0, count: 8) + bytes32(sequence)
        var aad = messageID + finalFrameLabel + bytes32(sequence)
        aad += bytes64(UInt64(plaintext.count))
        let frame = try AES.GCM.seal(plaintext, using: key, nonce: try AES.GCM.Nonce(data: iv), authenticating: aad)
        append32(0xFFFF_FFFF, to: &message)
        append32(sequence, to: &message)
        message += iv
        append32(UInt32(plaintext.count), to: &message)
        message += Array(frame.ciphertext)
        message += Array(frame.tag)

        // The footer: ECDSA P-384 over everything before it.
        let signature = try signingKey.signature(for: message).derRepresentation
        append16(UInt16(signature.count), to: &message)
        message += Array(signature)
        return message
    }

    /// The encryption context as the header carries it: the pair count, then each key and value with its
    /// length, sorted by key; nothing at all for an empty context.
    static func serialize(_ context: [String: String]) -> [UInt8] {
        guard !context.isEmpty else { return [] }
        var out: [UInt8] = []
        append16(UInt16(context.count), to: &out)
        for (key, value) in context.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            appendField(Array(key.utf8), to: &out)
            appendField(Array(value.utf8), to: &out)
        }
        return out
    }

    static func appendField(_ bytes: [UInt8], to out: inout [UInt8]) {
        append16(UInt16(bytes.count), to: &out)
        out += bytes
    }

    static func append16(_ value: UInt16, to out: inout [UInt8]) {
        out += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    static func append32(_ value: UInt32, to out: inout [UInt8]) { out += bytes32(value) }

    static func bytes32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func bytes64(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8((value >> (UInt64($0) * 8)) & 0xFF) }
    }
}
