import CCognateOpenSSL

/// The pieces of OpenSSL 3's libcrypto Cognate uses, behind Swift types: an RSA key for RS256, and
/// modular exponentiation for SRP. Both are read-only once made, which OpenSSL allows to be shared by
/// threads (openssl-threads(7)).
enum OpenSSL {
    /// SHA-256, fetched once: naming the digest on every signature would look it up every time.
    nonisolated(unsafe) static let sha256: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil)!
}

/// An RSA private key held by libcrypto, for RS256 signatures and their verification.
final class OpenSSLRSAKey: @unchecked Sendable {
    private let key: OpaquePointer
    /// The signature's length: the modulus' in bytes.
    let signatureLength: Int

    /// nil when the PEM is not a private key.
    init?(pem: String) {
        let parsed: OpaquePointer? = pem.utf8CString.withUnsafeBufferPointer { text in
            cognate_private_key_from_pem(text.baseAddress, Int32(text.count - 1))
        }
        guard let parsed else { return nil }
        key = parsed
        signatureLength = Int(EVP_PKEY_get_size(parsed))
    }

    deinit { EVP_PKEY_free(key) }

    func signRS256(_ message: [UInt8]) -> [UInt8]? {
        var signature = [UInt8](repeating: 0, count: signatureLength)
        var length = signatureLength
        let ok = message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                cognate_rs256_sign(key, OpenSSL.sha256, input.baseAddress, input.count, output.baseAddress, &length)
            }
        }
        guard ok == 1 else { return nil }
        return length == signatureLength ? signature : Array(signature.prefix(length))
    }

    func verifyRS256(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        message.withUnsafeBufferPointer { input in
            signature.withUnsafeBufferPointer { given in
                cognate_rs256_verify(key, OpenSSL.sha256, input.baseAddress, input.count, given.baseAddress, given.count) == 1
            }
        }
    }
}

/// base^exponent mod N for one odd modulus, in constant time, through libcrypto's Montgomery code (which
/// uses this CPU's wide multiply instructions). The modulus' Montgomery context is made once.
final class OpenSSLModularPower: @unchecked Sendable {
    private let modulus: OpaquePointer
    private let montgomery: OpaquePointer
    /// The modulus' length in bytes: every answer has it.
    let width: Int

    init(modulus bytes: [UInt8]) {
        modulus = BN_bin2bn(bytes, Int32(bytes.count), nil)!
        montgomery = BN_MONT_CTX_new()!
        let context = BN_CTX_new()!
        // Called outside any precondition: under -Ounchecked (release builds) a precondition's condition is not evaluated.
        let prepared = BN_MONT_CTX_set(montgomery, modulus, context)
        BN_CTX_free(context)
        if prepared != 1 { fatalError("libcrypto could not prepare the Montgomery context of an odd modulus") }
        width = bytes.count
    }

    deinit {
        BN_MONT_CTX_free(montgomery)
        BN_free(modulus)
    }

    /// base^exponent mod N as big-endian bytes of the modulus' length; both inputs big-endian.
    func power(_ base: [UInt8], _ exponent: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: width)
        let ok = result.withUnsafeMutableBufferPointer { out in
            cognate_mod_exp(modulus, montgomery, base, Int32(base.count), exponent, Int32(exponent.count), out.baseAddress, Int32(width))
        }
        // Only an allocation failure can make libcrypto fail here (fatalError stays under -Ounchecked).
        if ok != 1 { fatalError("libcrypto could not compute a modular exponentiation") }
        return result
    }
}
