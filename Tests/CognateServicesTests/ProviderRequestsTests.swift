import CognateCrypto
import CognateStorage
import Crypto
import Foundation
import Testing

@testable import CognateServices

/// The requests made of a provider after the user comes back: as each kind of provider wants them.
@Suite struct ProviderRequestsTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func provider(_ type: String, _ details: [String: String], mapping: [String: String] = [:]) -> IdentityProvider {
        IdentityProvider(
            poolID: "p", name: type, type: type, details: details, attributeMapping: mapping, creationDate: Self.now, lastModifiedDate: Self.now)
    }

    @Test func oidcPostsTheFormWithItsSecret() throws {
        let idp = provider("OIDC", ["token_url": "https://idp.example.com/token", "client_id": "c", "client_secret": "s"])
        let request = try ProviderRequests.token(idp, code: "k", verifier: "v", callback: "https://cb", now: Self.now)
        #expect(request.method == "POST" && request.url == "https://idp.example.com/token")
        let form = String(decoding: request.body, as: UTF8.self)
        #expect(form == "client_id=c&client_secret=s&code=k&code_verifier=v&grant_type=authorization_code&redirect_uri=https%3A%2F%2Fcb")
    }

    @Test func facebookGetsItsTokenAndNamesTheFields() throws {
        let details = ProviderDetails.socialEndpoints("Facebook", [:]).merging(["client_id": "c", "client_secret": "s"]) { $1 }
        let idp = provider("Facebook", details, mapping: ["username": "id", "email": "email", "name": "name"])
        let token = try ProviderRequests.token(idp, code: "k", verifier: "v", callback: "https://cb", now: Self.now)
        #expect(token.method == "GET" && token.url.hasPrefix("https://graph.facebook.com/v17.0/oauth/access_token?") && token.body.isEmpty)
        let info = try #require(ProviderRequests.userInfo(idp, accessToken: "at"))
        #expect(info.url == "https://graph.facebook.com/v17.0/me?fields=email,id,name")
        #expect(info.headers.contains { $0 == ("Authorization", "Bearer at") })
        #expect(ProviderRequests.keysURL(provider("Google", [:])) == "https://www.googleapis.com/oauth2/v3/certs")
    }

    @Test func appleSignsItsClientSecret() throws {
        let key = P256.Signing.PrivateKey()
        let details = [
            "client_id": "com.example.app", "team_id": "TEAM", "key_id": "KEY1", "private_key": key.pemRepresentation,
            "token_url": "https://appleid.apple.com/auth/token",
        ]
        let request = try ProviderRequests.token(
            provider("SignInWithApple", details), code: "k", verifier: "v", callback: "https://cb", now: Self.now)
        let form = String(decoding: request.body, as: UTF8.self)
        let secret = try #require(form.split(separator: "&").first { $0.hasPrefix("client_secret=") }.map { String($0.dropFirst(14)) })
        let parts = secret.split(separator: ".").map(String.init)
        let header = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[0])!) as? [String: Any]
        let claims = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1])!) as? [String: Any]
        #expect(header?["alg"] as? String == "ES256" && header?["kid"] as? String == "KEY1")
        #expect(claims?["iss"] as? String == "TEAM" && claims?["sub"] as? String == "com.example.app")
        #expect(claims?["aud"] as? String == "https://appleid.apple.com" && claims?["exp"] as? Int == 1_800_000_300)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decode(parts[2])!)
        #expect(key.publicKey.isValidSignature(signature, for: Array((parts[0] + "." + parts[1]).utf8)))
        #expect(throws: ProviderRequests.Failure.self) {
            try ProviderRequests.token(
                provider("SignInWithApple", ["token_url": "https://x", "client_id": "c"]), code: "k", verifier: "v",
                callback: "https://cb", now: Self.now)
        }
    }
}
