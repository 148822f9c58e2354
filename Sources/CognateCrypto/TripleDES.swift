import CCognateOpenSSL

/// Triple-DES (EDE3) in CBC mode, decryption only, by libcrypto: XML Encryption's `tripledes-cbc`, which
/// some SAML identity providers still encrypt assertions with. The caller removes the padding.
public enum TripleDES {
    /// The plaintext, or nil when the key is not 24 bytes, the IV not 8, or the ciphertext not whole blocks.
    public static func decryptCBC(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard key.count == 24, iv.count == 8, !ciphertext.isEmpty, ciphertext.count % 8 == 0, ciphertext.count <= Int(Int32.max) else { return nil }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 8)
        let written = out.withUnsafeMutableBufferPointer { buffer in
            cognate_des3_cbc_decrypt(key, iv, ciphertext, Int32(ciphertext.count), buffer.baseAddress)
        }
        guard written >= 0 else { return nil }
        return Array(out.prefix(Int(written)))
    }
}
