import CognateStorage
import CognitoModel
import Foundation

/// The ProviderDetails each kind of identity provider needs, and what Cognito adds to them: the endpoints
/// of an OIDC provider from its issuer's discovery document, the fixed endpoints of the social providers.
struct ProviderDetails {
    let deps: ServiceDependencies

    /// The social providers: their name is their type, and their endpoints are fixed.
    static let social: Set<String> = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"]

    static func required(_ type: String) -> [String] {
        switch type {
        case "OIDC": ["client_id", "authorize_scopes", "oidc_issuer", "attributes_request_method"]
        case "SAML": []
        case "SignInWithApple": ["client_id", "team_id", "key_id", "private_key", "authorize_scopes"]
        default: ["client_id", "client_secret", "authorize_scopes"]
        }
    }

    /// The attribute that names a user of the provider, which Cognito maps to `username` itself.
    static func subjectClaim(_ type: String) -> String? {
        switch type {
        case "Facebook": "id"
        case "LoginWithAmazon": "user_id"
        case "SAML": nil
        default: "sub"
        }
    }

    /// The endpoints Cognito fills in for each social provider.
    static func socialEndpoints(_ type: String, _ details: [String: String]) -> [String: String] {
        switch type {
        case "Google":
            return [
                "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth", "token_url": "https://www.googleapis.com/oauth2/v4/token",
                "token_request_method": "POST", "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
                "attributes_url_add_attributes": "true", "oidc_issuer": "https://accounts.google.com",
            ]
        case "Facebook":
            let version = details["api_version"] ?? "v17.0"
            return [
                "authorize_url": "https://www.facebook.com/\(version)/dialog/oauth",
                "token_url": "https://graph.facebook.com/\(version)/oauth/access_token", "token_request_method": "GET",
                "attributes_url": "https://graph.facebook.com/\(version)/me?fields=", "attributes_url_add_attributes": "true",
            ]
        case "LoginWithAmazon":
            return [
                "authorize_url": "https://www.amazon.com/ap/oa", "token_url": "https://api.amazon.com/auth/o2/token",
                "token_request_method": "POST", "attributes_url": "https://api.amazon.com/user/profile",
                "attributes_url_add_attributes": "false",
            ]
        case "SignInWithApple":
            return [
                "authorize_url": "https://appleid.apple.com/auth/authorize", "token_url": "https://appleid.apple.com/auth/token",
                "oidc_issuer": "https://appleid.apple.com", "token_request_method": "POST",
            ]
        default:
            return [:]
        }
    }

    static let oidcEndpoints = ["authorize_url", "token_url", "attributes_url", "jwks_uri"]

    /// Checks `given` for a provider of `type` and completes it as Cognito does.
    func complete(_ given: [String: String], type: String, pool: UserPool) async throws -> [String: String] {
        if type == "SAML" { return try await completeSAML(given, pool: pool) }
        var details = given
        for key in Self.required(type) where (details[key] ?? "").isEmpty {
            throw Errors.invalidParameter("ProviderDetails of a \(type) provider must have \(key).")
        }
        if Self.social.contains(type) {
            // A social provider a local OpenID provider stands in for (--social-issuers): its endpoints are that one's.
            if let issuer = deps.configuration.socialIssuers[type] {
                details.merge(try await discover(issuer)) { $1 }
                details["oidc_issuer"] = issuer
                details["token_request_method"] = "POST"
                details["attributes_url_add_attributes"] = "false"
                return details
            }
            return details.merging(Self.socialEndpoints(type, details)) { $1 }
        }
        // OIDC.
        guard let method = details["attributes_request_method"], ["GET", "POST"].contains(method) else {
            throw Errors.invalidParameter("attributes_request_method must be GET or POST.")
        }
        let issuer = details["oidc_issuer"] ?? ""
        guard let url = URL(string: issuer), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, !issuer.hasSuffix("/") else {
            throw Errors.invalidParameter("oidc_issuer must be an https URL without a trailing slash.")
        }
        let policy = deps.configuration.providerURLs
        try policy.check(issuer, member: "oidc_issuer")
        if Self.oidcEndpoints.contains(where: { (details[$0] ?? "").isEmpty }) {
            let discovered = try await discover(issuer)
            for (key, value) in discovered where (details[key] ?? "").isEmpty { details[key] = value }
        }
        // Given or discovered, every endpoint Cognate will call is held to the same rule as the issuer.
        for key in Self.oidcEndpoints {
            guard let value = details[key] else { throw Errors.invalidParameter("\(key) must be an https URL.") }
            try policy.check(value, member: key)
        }
        details["attributes_url_add_attributes"] = "false"
        return details
    }

    /// The endpoints of the issuer's `/.well-known/openid-configuration`.
    func discover(_ issuer: String) async throws -> [String: String] {
        let failure = Errors.invalidParameter("Unable to contact the well-known endpoint of \(issuer.prefix(256)) for its OpenID configuration.")
        guard let web = deps.web else { throw failure }
        let response: WebResponse
        do {
            response = try await web.send(WebRequest(url: issuer + "/.well-known/openid-configuration", headers: [("Accept", "application/json")]))
        } catch {
            throw failure
        }
        guard response.status == 200, let document = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw failure
        }
        guard document["issuer"] as? String == issuer else {
            throw Errors.invalidParameter("The OpenID configuration of \(issuer.prefix(256)) names another issuer.")
        }
        var out: [String: String] = [:]
        for (key, field) in [
            ("authorize_url", "authorization_endpoint"), ("token_url", "token_endpoint"), ("attributes_url", "userinfo_endpoint"),
            ("jwks_uri", "jwks_uri"),
        ] {
            if let value = document[field] as? String { out[key] = value }
        }
        return out
    }
}
