import CognateCrypto
import CognateStorage
import Crypto
import Foundation

/// The requests Cognate makes of a provider once the user is back with a code: the token request (a form
/// POST with `client_secret_post`, or a GET where the provider wants one — Facebook's
/// `token_request_method`; Sign in with Apple's client secret is a short-lived ES256 JWT made from its
/// `private_key`), and the user-info request (the mapped claims' names appended where
/// `attributes_url_add_attributes` is true, as Cognito does for Google and Facebook).
enum ProviderRequests {
    /// Where the social providers publish their signing keys (not part of their ProviderDetails).
    static let socialKeys = ["Google": "https://www.googleapis.com/oauth2/v3/certs", "SignInWithApple": "https://appleid.apple.com/auth/keys"]

    static func keysURL(_ provider: IdentityProvider) -> String? {
        provider.details["jwks_uri"] ?? socialKeys[provider.type]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func token(_ provider: IdentityProvider, code: String, verifier: String, callback: String, now: Date) throws -> WebRequest {
        guard let tokenURL = provider.details["token_url"], let clientID = provider.details["client_id"] else {
            throw Failure(description: "The identity provider has no token endpoint.")
        }
        var form: [String: String?] = [
            "grant_type": "authorization_code", "code": code, "redirect_uri": callback, "client_id": clientID, "code_verifier": verifier,
        ]
        form["client_secret"] =
            provider.type == "SignInWithApple" ? try appleClientSecret(provider.details, now: now) : provider.details["client_secret"]
        let encoded = OAuthRedirect.encode(form)
        if provider.details["token_request_method"] == "GET" {
            return WebRequest(
                method: "GET", url: tokenURL + (tokenURL.contains("?") ? "&" : "?") + encoded, headers: [("Accept", "application/json")])
        }
        return WebRequest(
            method: "POST", url: tokenURL, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(encoded.utf8))
    }

    static func userInfo(_ provider: IdentityProvider, accessToken: String) -> WebRequest? {
        guard var url = provider.details["attributes_url"] else { return nil }
        if provider.details["attributes_url_add_attributes"] == "true" {
            let subject = ProviderDetails.subjectClaim(provider.type).map { [$0] } ?? []
            let claims = Set(provider.attributeMapping.values).union(subject).sorted()
            url += claims.joined(separator: ",")
        }
        let post = provider.details["attributes_request_method"] == "POST"
        return WebRequest(
            method: post ? "POST" : "GET", url: url, headers: [("Authorization", "Bearer " + accessToken), ("Accept", "application/json")])
    }

    /// Sign in with Apple's client secret: an ES256 JWT by the team (`iss`) for the client (`sub`), for Apple
    /// (`aud`), valid five minutes, under the key `key_id`.
    static func appleClientSecret(_ details: [String: String], now: Date) throws -> String {
        guard let pem = details["private_key"], let team = details["team_id"], let keyID = details["key_id"], let client = details["client_id"],
            let key = try? P256.Signing.PrivateKey(pemRepresentation: pem)
        else { throw Failure(description: "Sign in with Apple needs team_id, key_id, client_id and an EC P-256 private_key.") }
        let iat = Int(now.timeIntervalSince1970)
        let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "kid": keyID], options: [.sortedKeys])
        let payload = try JSONSerialization.data(
            withJSONObject: ["iss": team, "iat": iat, "exp": iat + 300, "aud": "https://appleid.apple.com", "sub": client], options: [.sortedKeys])
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Array(input.utf8))
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
