import CognateCrypto
import Crypto
import Foundation

/// `SECRET_HASH`: Base64(HMAC-SHA256(client secret, username ‖ client ID)).
public enum SecretHash {
    public static func compute(username: String, clientID: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((username + clientID).utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Data(mac).base64EncodedString()
    }
}

/// PKCE's S256 challenge of a verifier (RFC 7636 §4.2).
public enum PKCE {
    public static func s256(_ verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}
