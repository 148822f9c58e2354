import CognateCrypto
import CognitoModel
import Foundation

/// The claims of a JWT, read without checking its signature (tests check what a token says; verification
/// has tests of its own).
public enum JWTClaims {
    public static func of(_ token: String?) -> JSONValue {
        let parts = (token ?? "").split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(String(parts[1])),
            let claims = try? JSONDecoder().decode(JSONValue.self, from: Data(payload))
        else { return .null }
        return claims
    }
}
