import Crypto
import Foundation

/// The key that seals secrets at rest: 32 bytes, kept as base64 in a file of the operator's or in an
/// environment variable.
public enum SecretsKey {
    /// Reads a key written by `create(at:)` (or any 32 bytes in base64).
    public static func parse(_ text: String, source: String) throws -> SymmetricKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw SealingError("\(source): the secrets key must be 32 bytes in base64 (for example: head -c 32 /dev/urandom | base64)")
        }
        return SymmetricKey(data: bytes)
    }

    public static func load(path: String) throws -> SymmetricKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SealingError("\(path): the secrets key cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, source: path)
    }

    /// The key at `path`, made there (readable by the owner alone) when there is none yet.
    public static func loadOrCreate(path: String) throws -> SymmetricKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SealingError("\(path): the secrets key cannot be written")
        }
        return key
    }
}
