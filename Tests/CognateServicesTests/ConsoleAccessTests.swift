import CognateServices
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import CognateHTTP

/// The admin console's sign-in: a session cookie that only the configured key's secret can make, that
/// expires, and that a rotated key ends; and its way of showing API values.
@Suite struct ConsoleAccessTests {
    static let keys = AccessKeys(["AKIDADMIN": "the-secret"])

    func access(_ clock: OffsetClock, keys: AccessKeys? = keys) -> ConsoleAccess {
        ConsoleAccess(
            accessKeys: keys, guarding: TestEndpointGuard(publicURL: nil, listenHost: "127.0.0.1"), clock: clock,
            random: SystemRandom(), secure: false)
    }

    func request(cookie: String? = nil, host: String = "127.0.0.1:9229") -> Request {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        let head = HTTPRequest(method: .get, scheme: "http", authority: host, path: "/_cognate/console", headerFields: headers)
        return Request(head: head, body: .init(buffer: ByteBuffer()))
    }

    /// The `name=value` part of a Set-Cookie header.
    func pair(_ setCookie: String) -> String { String(setCookie.prefix { $0 != ";" }) }

    @Test func aSessionNeedsTheKeysSecret() throws {
        let clock = OffsetClock()
        let console = access(clock)
        #expect(console.signIn(keyID: "AKIDADMIN", secret: "wrong") == nil)
        #expect(console.signIn(keyID: "AKIDOTHER", secret: "the-secret") == nil)
        let cookie = try #require(console.signIn(keyID: "AKIDADMIN", secret: "the-secret"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/_cognate/console"))
        guard case .allowed(let who) = console.verdict(request(cookie: pair(cookie))) else {
            Issue.record("not allowed")
            return
        }
        #expect(who == "AKIDADMIN")
        // Without a cookie, or with one whose MAC or expiry was changed, the administrator signs in again.
        guard case .signInNeeded = console.verdict(request()) else {
            Issue.record("allowed without a session")
            return
        }
        let parts = pair(cookie).split(separator: ".").map(String.init)
        let later = parts[0] + "." + String(Int(parts[1])! + 3_600) + "." + parts[2]
        guard case .signInNeeded = console.verdict(request(cookie: later)) else {
            Issue.record("a moved expiry was accepted")
            return
        }
        // A rotated secret ends the session.
        let rotated = access(clock, keys: AccessKeys(["AKIDADMIN": "a-new-secret"]))
        guard case .signInNeeded = rotated.verdict(request(cookie: pair(cookie))) else {
            Issue.record("a rotated key's session lives")
            return
        }
        // Sessions end after eight hours.
        clock.advance(by: ConsoleAccess.sessionLifetime + 1)
        guard case .signInNeeded = console.verdict(request(cookie: pair(cookie))) else {
            Issue.record("an expired session lives")
            return
        }
    }

    /// Guessing the console's secret is slowed (issue 26, item 12): ten failures from an address pause it for
    /// the rest of five minutes, even for the right secret; thirty for one key pause every address.
    @Test func failedSignInsAreThrottledByAddressAndByKey() {
        let clock = OffsetClock()
        let console = access(clock)
        for _ in 0..<ConsoleAccess.failuresPerAddress {
            #expect(console.attemptSignIn(keyID: "AKIDADMIN", secret: "guess", address: "192.0.2.1") == .refused)
        }
        guard case .throttled(let wait) = console.attemptSignIn(keyID: "AKIDADMIN", secret: "the-secret", address: "192.0.2.1") else {
            Issue.record("the right secret went through a throttled address")
            return
        }
        #expect(wait > 0 && wait <= 300)
        // Another address is not paused yet; the paused one is again after the window.
        guard case .signedIn = console.attemptSignIn(keyID: "AKIDADMIN", secret: "the-secret", address: "192.0.2.2") else {
            Issue.record("another address was paused")
            return
        }
        clock.advance(by: ConsoleAccess.failureWindow + 1)
        guard case .signedIn = console.attemptSignIn(keyID: "AKIDADMIN", secret: "the-secret", address: "192.0.2.1") else {
            Issue.record("the pause did not end")
            return
        }
        // Many addresses, one key: the key pauses.
        for attempt in 0..<ConsoleAccess.failuresPerKey {
            _ = console.attemptSignIn(keyID: "AKIDADMIN", secret: "guess", address: "198.51.100.\(attempt)")
        }
        guard case .throttled = console.attemptSignIn(keyID: "AKIDADMIN", secret: "the-secret", address: "203.0.113.9") else {
            Issue.record("a key guessed from many addresses was not paused")
            return
        }
    }

    @Test func aThrottleForgetsWhatItMustToStayBounded() {
        let throttle = FailureThrottle(limit: 3, window: 60, capacity: 100)
        let now = Date()
        for i in 0..<1_000 { throttle.recordFailure("address:\(i)", now: now) }
        #expect(throttle.count <= 100)
    }

    @Test func anOpenConsoleRefusesReboundNames() {
        let console = access(OffsetClock(), keys: nil)
        guard case .allowed(nil) = console.verdict(request()) else {
            Issue.record("loopback refused")
            return
        }
        guard case .allowed(nil) = console.verdict(request(host: "localhost:9229")) else {
            Issue.record("localhost refused")
            return
        }
        guard case .refused = console.verdict(request(host: "attacker.example:9229")) else {
            Issue.record("a foreign name was served")
            return
        }
    }

    @Test func theCSRFTokenIsKeptPerBrowser() {
        let console = access(OffsetClock(), keys: nil)
        let first = console.csrf(for: request())
        #expect(first.token.count == 43 && first.headers[.setCookie] != nil)
        let again = console.csrf(for: request(cookie: "cognate_console_csrf=" + first.token))
        #expect(again.token == first.token && again.headers[.setCookie] == nil)
        // A malformed cookie gets a fresh token.
        #expect(console.csrf(for: request(cookie: "cognate_console_csrf=<x>")).token != "<x>")
        #expect(console.formRefusal(request(cookie: "cognate_console_csrf=" + first.token), form: ["_csrf": first.token]) == nil)
        #expect(console.formRefusal(request(cookie: "cognate_console_csrf=" + first.token), form: ["_csrf": "other"]) != nil)
        #expect(console.formRefusal(request(), form: ["_csrf": first.token]) != nil)
    }

    @Test func apiValuesAsText() {
        #expect(ConsolePages.text(.number(1_700_000_000), key: "CreationDate") == "2023-11-14T22:13:20Z")
        #expect(ConsolePages.text(.number(3)) == "3")
        #expect(ConsolePages.text(.array([.string("email"), .string("phone_number")])) == "email, phone_number")
        #expect(ConsolePages.text(.object(["b": .bool(true), "a": .number(1)])) == #"{"a":1,"b":true}"#)
        #expect(ConsolePages.text(.bool(false)) == "No")
        #expect(ConsolePages.escape("a b/ü&=") == "a%20b%2F%C3%BC%26%3D")
    }
}
