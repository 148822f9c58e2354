import Crypto
import Foundation

/// Turns the secrets a record holds into a form that is useless without a key, and back.
public protocol SecretSealer: Sendable {
    func seal(_ plaintext: String) throws -> String
    /// The plaintext of a sealed value; a value stored before sealing existed is answered as it is.
    func open(_ stored: String) throws -> String
}

/// AES-256-GCM with a key the operator holds: each value sealed under a fresh nonce, so equal secrets
/// do not look equal, and tampering is detected. Sealed values read `sealed:v1:` and base64 of nonce,
/// ciphertext and tag.
public struct AESGCMSealer: SecretSealer {
    static let prefix = "sealed:v1:"
    private let key: SymmetricKey

    public init(key: SymmetricKey) {
        self.key = key
    }

    public func seal(_ plaintext: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            throw SealingError("AES-GCM gave no combined form")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))) else {
            throw SealingError("a sealed secret is damaged")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw SealingError("a sealed secret does not open with this secrets key (was the database sealed with another key?)")
        }
    }
}

/// A secret that cannot be sealed or opened.
public struct SealingError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
