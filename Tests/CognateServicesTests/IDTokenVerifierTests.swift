import CognateCrypto
import CognitoModel
import Crypto
import Foundation
import Testing

@testable import CognateServices

/// An identity provider's ID token is refused unless everything holds: forged, foreign, stale and
/// replayed tokens, and algorithms Cognito does not take.
@Suite struct IDTokenVerifierTests {
    static let issuer = "https://idp.example.com"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let key = try! TokenSigner.generateKey()
    static let signer = try! TokenSigner(privateKeyPEM: key.pem, kid: key.kid)
    static let jwks = Array(try! JSONSerialization.data(withJSONObject: ["keys": [try! signer.jwk()]]))

    let verifier = IDTokenVerifier(issuer: issuer, clientID: "rp", clientSecret: "shh", now: now)

    static func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": issuer, "aud": "rp", "sub": "user-1", "nonce": "n-1", "iat": now.timeIntervalSince1970,
            "exp": now.timeIntervalSince1970 + 300,
        ]
        for (key, value) in changes { if value is NSNull { claims[key] = nil } else { claims[key] = value } }
        return claims
    }

    static func token(_ claims: [String: Any]) -> String {
        try! signer.sign(payload: JSONSerialization.data(withJSONObject: claims))
    }

    @Test func aGoodTokenGivesItsClaims() throws {
        let claims = try verifier.verify(Self.token(Self.claims()), keys: Self.jwks, nonce: "n-1")
        #expect(claims["sub"] == .string("user-1"))
    }

    @Test func everyCheckRefuses() {
        let cases: [[String: Any]] = [
            ["iss": "https://evil.example.com"], ["aud": "someone-else"], ["aud": ["rp", "other"]], ["exp": Self.now.timeIntervalSince1970 - 400],
            ["iat": Self.now.timeIntervalSince1970 + 3600], ["nonce": "replayed"], ["nonce": NSNull()], ["sub": NSNull()], ["sub": ""],
        ]
        for change in cases {
            #expect(throws: IDTokenVerifier.Failure.self, "\(change)") {
                try verifier.verify(Self.token(Self.claims(change)), keys: Self.jwks, nonce: "n-1")
            }
        }
        // Several audiences are fine when azp names this client.
        #expect((try? verifier.verify(Self.token(Self.claims(["aud": ["rp", "other"], "azp": "rp"])), keys: Self.jwks, nonce: "n-1")) != nil)
    }

    @Test func forgedSignaturesAndAlgorithmsAreRefused() throws {
        let good = Self.token(Self.claims())
        let parts = good.split(separator: ".").map(String.init)
        // Another payload under the same signature.
        let other = Base64URL.encode(try JSONSerialization.data(withJSONObject: Self.claims(["sub": "admin"])))
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify(parts[0] + "." + other + "." + parts[2], keys: Self.jwks, nonce: "n-1") }
        // alg none, and an unknown key set.
        let none = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8))
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify(none + "." + parts[1] + ".", keys: Self.jwks, nonce: "n-1") }
        let stranger = try TokenSigner(privateKeyPEM: TokenSigner.generateKey().pem, kid: Self.key.kid)
        let foreign = Array(try JSONSerialization.data(withJSONObject: ["keys": [try stranger.jwk()]]))
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify(good, keys: foreign, nonce: "n-1") }
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify(good, keys: Array("not json".utf8), nonce: "n-1") }
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify("a.b", keys: Self.jwks, nonce: "n-1") }
        #expect(throws: IDTokenVerifier.Failure.self) {
            try verifier.verify(String(repeating: "a", count: IDTokenVerifier.maxToken + 1), keys: Self.jwks, nonce: "n-1")
        }
    }

    @Test func hs256UsesTheClientSecret() throws {
        let header = Base64URL.encode(Data(#"{"alg":"HS256"}"#.utf8))
        let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: Self.claims()))
        func signed(with secret: String) -> String {
            let mac = HMAC<SHA256>.authenticationCode(for: Array((header + "." + payload).utf8), using: SymmetricKey(data: Array(secret.utf8)))
            return header + "." + payload + "." + Base64URL.encode(Array(mac))
        }
        #expect((try? verifier.verify(signed(with: "shh"), keys: [], nonce: "n-1")) != nil)
        #expect(throws: IDTokenVerifier.Failure.self) { try verifier.verify(signed(with: "guess"), keys: [], nonce: "n-1") }
    }
}
