import CognateCrypto
import Crypto
import Foundation

/// The random values Cognate hands out and later takes back — refresh tokens, sign-in sessions, browser
/// sessions, federation states — and the one way they are stored: by their SHA-256, so the store never
/// holds a usable token.
enum OpaqueToken {
    /// A new token. It starts with a letter: base64url may begin with "-", and the AWS CLI then reads
    /// `--session -…` as an option and refuses the command.
    static func make(_ random: any RandomSource, bytes: Int = 48) -> String {
        "c" + Base64URL.encode(random.bytes(bytes))
    }

    /// What is stored of a token (and looked up by): its SHA-256, in hex.
    static func hash(_ token: String) -> String {
        BigEndian.hex(SHA256.hash(data: Data(token.utf8)))
    }
}
