import Crypto
import Foundation
import Testing

@testable import CognateCrypto

/// The Encryption SDK message read back field by field (the e2e suite decrypts it with Python's
/// aws-encryption-sdk): the header of format 2 / suite 0x0578, the committed key, the final frame, the
/// signature over everything before it.
@Suite struct EncryptionSDKMessageTests {
    let dataKey = EncryptionSDKMessage.DataKey(
        plaintext: Array(0..<32), encrypted: Array(repeating: 0xAB, count: 20), keyARN: "arn:aws:kms:eu-west-1:1:key/k")
    let messageID = [UInt8](repeating: 7, count: 32)

    struct Reader {
        var bytes: [UInt8]
        var at = 0
        mutating func take(_ n: Int) -> [UInt8] {
            defer { at += n }
            return Array(bytes[at..<at + n])
        }
        mutating func u16() -> Int {
            let b = take(2)
            return Int(b[0]) << 8 | Int(b[1])
        }
        mutating func u32() -> UInt32 { take(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func field() -> [UInt8] { take(u16()) }
    }

    @Test func readsBackAsTheFormatSays() throws {
        let signing = EncryptionSDKMessage.signingKey(random: Array(repeating: 1, count: 48))
        let context = EncryptionSDKMessage.context(signingKey: signing)
        let message = try EncryptionSDKMessage.seal(
            Array("123456".utf8), dataKey: dataKey, context: context, signingKey: signing, messageID: messageID)
        #expect(Data(message).base64EncodedString().hasPrefix("AgV4"))
        var r = Reader(bytes: message)
        #expect(r.take(3) == [0x02, 0x05, 0x78])
        #expect(r.take(32) == messageID)
        var aad = Reader(bytes: r.field())
        #expect(aad.u16() == 1)
        #expect(String(decoding: aad.field(), as: UTF8.self) == "aws-crypto-public-key")
        let publicKey = try P384.Signing.PublicKey(compressedRepresentation: Data(base64Encoded: String(decoding: aad.field(), as: UTF8.self))!)
        #expect(r.u16() == 1)
        #expect(String(decoding: r.field(), as: UTF8.self) == "aws-kms")
        #expect(String(decoding: r.field(), as: UTF8.self) == dataKey.keyARN)
        #expect(r.field() == dataKey.encrypted)
        #expect(r.take(1) == [0x02] && r.u32() == 4096)
        let source = SymmetricKey(data: dataKey.plaintext)
        let commitment = HKDF<SHA512>.deriveKey(inputKeyMaterial: source, salt: messageID, info: Array("COMMITKEY".utf8), outputByteCount: 32)
        #expect(r.take(32) == commitment.withUnsafeBytes { Array($0) })
        let header = Array(message[0..<r.at])
        let headerTag = r.take(16)
        let key = HKDF<SHA512>.deriveKey(
            inputKeyMaterial: source, salt: messageID, info: [0x05, 0x78] + Array("DERIVEKEY".utf8), outputByteCount: 32)
        let zero = try AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))
        _ = try AES.GCM.open(AES.GCM.SealedBox(nonce: zero, ciphertext: [UInt8](), tag: headerTag), using: key, authenticating: header)
        #expect(r.u32() == 0xFFFF_FFFF && r.u32() == 1)
        let iv = r.take(12)
        #expect(iv == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        let length = Int(r.u32())
        let ciphertext = r.take(length)
        let tag = r.take(16)
        let frameAAD = messageID + Array("AWSKMSEncryptionClient Final Frame".utf8) + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 6]
        let plaintext = try AES.GCM.open(
            AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: iv), ciphertext: ciphertext, tag: tag), using: key,
            authenticating: frameAAD)
        #expect(String(decoding: plaintext, as: UTF8.self) == "123456")
        let signed = Array(message[0..<r.at])
        let signature = try P384.Signing.ECDSASignature(derRepresentation: r.field())
        #expect(publicKey.isValidSignature(signature, for: signed))
        #expect(r.at == message.count)
    }

    @Test func refusesWhatItCannotSeal() {
        let signing = EncryptionSDKMessage.signingKey(random: Array(repeating: 1, count: 48))
        var short = dataKey
        short.plaintext = Array(0..<16)
        #expect(throws: EncryptionSDKMessage.Failure.self) {
            try EncryptionSDKMessage.seal([1], dataKey: short, context: [:], signingKey: signing, messageID: messageID)
        }
        #expect(throws: EncryptionSDKMessage.Failure.self) {
            try EncryptionSDKMessage.seal(Array(repeating: 0, count: 5000), dataKey: dataKey, context: [:], signingKey: signing, messageID: messageID)
        }
    }
}
