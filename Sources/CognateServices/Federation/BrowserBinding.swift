import CognateCrypto
import Foundation

/// Binds a sign-in handed to an identity provider to the browser that started it. When Cognate sends a
/// browser to a provider it sets a cookie with a random value (kept while the browser has it) and stores
/// the value's hash with the sign-in's `state` or `RelayState`; the provider's answer is taken only from a
/// browser that carries the same value. So an attacker's own `state` and `code`, put in a link, sign nobody
/// in: the victim's browser lacks the attacker's cookie. IdP-initiated SAML, which has no start, is the one
/// exception, and is refused unless the provider allows it (`IDPInit`).
public enum BrowserBinding {
    /// The cookie's name; the value is 32 random bytes, base64url.
    public static let cookie = "cognate-federation"

    /// The cookie's value if it is one Cognate could have set, else nil.
    public static func valid(_ value: String?) -> String? {
        guard let value, value.utf8.count == 43, value.utf8.allSatisfy(Base64URL.isAlphabet) else { return nil }
        return value
    }

    /// A new value for a browser without one.
    public static func make(_ random: any RandomSource) -> String { Base64URL.encode(random.bytes(32)) }

    static func hash(_ value: String) -> String { OpaqueToken.hash("federation-binding:" + value) }

    /// Whether the browser's value is the one the sign-in was started with (a sign-in stored without one,
    /// from before bindings existed, matches nothing: it is refused, never waved through).
    static func matches(_ presented: String?, _ stored: String?) -> Bool {
        guard let presented = valid(presented), let stored else { return false }
        return ConstantTime.equal(Array(hash(presented).utf8), Array(stored.utf8))
    }

    static let refusal = "The sign-in did not start in this browser. Start it again from the application."
}
