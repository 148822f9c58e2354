import CognateStorage
import Crypto
import Foundation

/// Turns passwords into credentials that cannot be turned back, and checks a password against one.
/// The scheme is a salted, keyed SHA-256; the authentication work replaces it with SRP verifiers,
/// and `scheme` tells the two apart.
struct PasswordHasher {
    static let scheme = "hmac-sha256"
    let random: any RandomSource

    func credential(for password: String, at date: Date) -> PasswordCredential {
        let salt = Data(random.bytes(16))
        return PasswordCredential(scheme: Self.scheme, salt: salt, digest: Self.digest(password, salt: salt), setAt: date)
    }

    static func matches(_ password: String, _ credential: PasswordCredential) -> Bool {
        guard credential.scheme == scheme else { return false }
        let expected = digest(password, salt: credential.salt)
        // Constant-time comparison.
        guard expected.count == credential.digest.count else { return false }
        return zip(expected, credential.digest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func digest(_ password: String, salt: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: SymmetricKey(data: salt)))
    }
}
