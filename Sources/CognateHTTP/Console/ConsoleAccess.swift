import CognateCrypto
import CognateServices
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Who may use the admin console. Without SigV4 credentials the console is open like the test endpoints
/// it is served with, and guarded like them against pages of other sites (address literal, localhost or
/// `--public-url` as Host, no foreign Origin). With credentials, an administrator signs in with one of
/// the access keys; the session cookie carries the key ID and an expiry, authenticated with an HMAC
/// under the key's secret, so that rotating a key ends its sessions. Every form carries a CSRF token
/// that must match its cookie, and a cross-site POST is refused whatever it carries.
struct ConsoleAccess: Sendable {
    let accessKeys: AccessKeys?
    let guarding: TestEndpointGuard
    let clock: any CognateServices.Clock
    let random: any RandomSource
    /// Under HTTPS the cookies are Secure.
    let secure: Bool
    /// Failed sign-ins by client address, and by access key ID (every unknown ID counts as one key, so
    /// the set stays as small as the configured keys).
    let failuresByAddress = FailureThrottle(limit: Self.failuresPerAddress, window: Self.failureWindow)
    let failuresByKey = FailureThrottle(limit: Self.failuresPerKey, window: Self.failureWindow)

    /// A client address gets 10 wrong secrets per 5 minutes, a key 30 from all addresses together: a
    /// secret can be guessed no faster than that, while an administrator who mistypes is not shut out long.
    static let failuresPerAddress = 10
    static let failuresPerKey = 30
    static let failureWindow: TimeInterval = 5 * 60

    static let sessionCookie = "cognate_console"
    static let csrfCookie = "cognate_console_csrf"
    static let path = "/_cognate/console"
    static let sessionLifetime: TimeInterval = 8 * 3_600

    /// What a request may do.
    enum Verdict {
        /// Served; `administrator` is the access key ID signed in with, nil when the console is open.
        case allowed(administrator: String?)
        /// Credentials are configured and the request carries no valid session.
        case signInNeeded
        /// Refused outright, with the reason.
        case refused(String)
    }

    func verdict(_ request: Request) -> Verdict {
        guard let accessKeys else {
            if let refusal = guarding.addressRefusal(request) { return .refused(refusal) }
            return .allowed(administrator: nil)
        }
        guard let cookie = Cookies.value(Self.sessionCookie, in: request), let keyID = session(cookie, keys: accessKeys) else {
            return .signInNeeded
        }
        return .allowed(administrator: keyID)
    }

    /// A POST must come from the console's own pages: same origin, and a CSRF token matching its cookie.
    func formRefusal(_ request: Request, form: [String: String]) -> String? {
        if let refusal = guarding.originRefusal(request) { return refusal }
        guard let token = form["_csrf"], !token.isEmpty, let cookie = Cookies.value(Self.csrfCookie, in: request),
            ConstantTime.equal(Array(token.utf8), Array(cookie.utf8))
        else { return "The form expired or did not come from this console. Reload the page and try again." }
        return nil
    }

    /// The request's CSRF token, or a new one with the cookie that sets it.
    func csrf(for request: Request) -> (token: String, headers: HTTPFields) {
        if let token = Cookies.value(Self.csrfCookie, in: request), token.utf8.count == 43,
            token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        {
            return (token, [:])
        }
        let token = Base64URL.encode(random.bytes(32))
        return (token, [.setCookie: cookie(Self.csrfCookie, token, maxAge: Int(Self.sessionLifetime))])
    }

    // MARK: Signing in

    /// The session cookie for an access key, when the secret is the key's.
    func signIn(keyID: String, secret: String) -> String? {
        guard let accessKeys, let expected = accessKeys.secrets[keyID],
            ConstantTime.equal(Array(secret.utf8), Array(expected.utf8))
        else { return nil }
        let expiry = Int(clock.now().timeIntervalSince1970 + Self.sessionLifetime)
        let value = Base64URL.encode(Array(keyID.utf8)) + "." + String(expiry) + "." + Self.mac(keyID: keyID, expiry: expiry, secret: expected)
        return cookie(Self.sessionCookie, value, maxAge: Int(Self.sessionLifetime))
    }

    /// What a sign-in attempt from `address` comes to.
    enum SignInOutcome: Equatable {
        case signedIn(cookie: String)
        case refused
        /// Too many failures from this address or for this key: refused unchecked for this many seconds.
        case throttled(retryAfter: Int)
    }

    /// `signIn(keyID:secret:)` behind the throttles: while an address or a key has had too many failures,
    /// even the right secret is refused (so a guess that lands during the pause teaches nothing).
    func attemptSignIn(keyID: String, secret: String, address: String) -> SignInOutcome {
        let now = clock.now()
        let keyBucket = accessKeys?.secrets[keyID] != nil ? "key:" + keyID : "key:(unknown)"
        let addressBucket = "address:" + address
        if let wait = [failuresByAddress.retryAfter(addressBucket, now: now), failuresByKey.retryAfter(keyBucket, now: now)].compactMap({ $0 }).max()
        {
            return .throttled(retryAfter: wait)
        }
        if let cookie = signIn(keyID: keyID, secret: secret) { return .signedIn(cookie: cookie) }
        failuresByAddress.recordFailure(addressBucket, now: now)
        failuresByKey.recordFailure(keyBucket, now: now)
        return .refused
    }

    func signOutCookie() -> String { cookie(Self.sessionCookie, "", maxAge: 0) }

    /// The key ID of a valid, unexpired session cookie.
    private func session(_ value: String, keys: AccessKeys) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let idBytes = Base64URL.decode(String(parts[0])), let expiry = Int(parts[1]),
            Double(expiry) > clock.now().timeIntervalSince1970
        else { return nil }
        let keyID = String(decoding: idBytes, as: UTF8.self)
        guard let secret = keys.secrets[keyID],
            ConstantTime.equal(Array(parts[2].utf8), Array(Self.mac(keyID: keyID, expiry: expiry, secret: secret).utf8))
        else { return nil }
        return keyID
    }

    private static func mac(keyID: String, expiry: Int, secret: String) -> String {
        let key = SymmetricKey(data: Array(("cognate console\u{0}" + secret).utf8))
        let code = HMAC<SHA256>.authenticationCode(for: Array((keyID + "\u{0}" + String(expiry)).utf8), using: key)
        return Base64URL.encode(Array(code))
    }

    /// Console cookies: HttpOnly, SameSite=Strict (no other site's link or form carries them), under the console's path.
    private func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=\(Self.path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
