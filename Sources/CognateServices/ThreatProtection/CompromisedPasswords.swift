import CognateCrypto
import Crypto
import Foundation

/// The passwords threat protection treats as compromised: commonly guessed ones (`CommonPasswords`, built
/// in) and the operator's own list (`--compromised-passwords FILE`). A password matches as given or in
/// lowercase. Kept as SHA-1 hashes, the form breach corpora publish.
public struct CompromisedPasswords: Sendable {
    private let hashes: Set<String>

    /// The built-in list alone.
    public static let builtIn = CompromisedPasswords(lines: CommonPasswords.sha1Lines.split(separator: "\n").map(String.init))

    /// `lines`: passwords, or their SHA-1 in hex (40 hex digits, optionally followed by `:count` as in Have I
    /// Been Pwned's files). Blank lines and lines starting with `#` are skipped.
    public init(lines: [String], adding base: CompromisedPasswords? = nil) {
        var hashes = base?.hashes ?? []
        for raw in lines {
            let line = raw.trimmingCharacters(in: .newlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let head = line.split(separator: ":", maxSplits: 1).first.map(String.init) ?? line
            if head.count == 40, head.allSatisfy(\.isHexDigit) {
                hashes.insert(head.uppercased())
            } else {
                hashes.insert(Self.sha1(line))
            }
        }
        self.hashes = hashes
    }

    /// The built-in list and the passwords or hashes of the file at `path`, one per line.
    public static func loading(_ path: String) throws -> CompromisedPasswords {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return CompromisedPasswords(lines: text.split(whereSeparator: \.isNewline).map(String.init), adding: .builtIn)
    }

    public var count: Int { hashes.count }

    public func contains(_ password: String) -> Bool {
        hashes.contains(Self.sha1(password)) || hashes.contains(Self.sha1(password.lowercased()))
    }

    static func sha1(_ text: String) -> String {
        BigEndian.hex(Insecure.SHA1.hash(data: Data(text.utf8))).uppercased()
    }
}
