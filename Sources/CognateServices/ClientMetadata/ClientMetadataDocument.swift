import CognateStorage
import CognitoModel
import Foundation

/// A client ID metadata document (draft-ietf-oauth-client-id-metadata-document), read and held to the
/// draft's rules and Cognito's: a JSON object whose `client_id` is the URL it was fetched from, a public
/// client (`token_endpoint_auth_method` `none`, no secret), and the redirect URIs it registers.
struct ClientMetadataDocument: Sendable, Equatable {
    var clientID: String
    var redirectURIs: [String]
    var postLogoutRedirectURIs: [String]
    var grantTypes: [String]
    var responseTypes: [String]
    /// The document's `scope`, split; nil when it names none.
    var scopes: [String]?
    var clientName: String?

    /// The draft's recommended bound on what is read of a document.
    static let maxBytes = 5 * 1024

    /// Why a document is refused.
    struct Invalid: Error, Equatable {
        let reason: String
    }

    init(_ bytes: [UInt8], url: String) throws(Invalid) {
        guard bytes.count <= Self.maxBytes else { throw Invalid(reason: "the document is larger than 5 KB") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw Invalid(reason: "the document is not a JSON object")
        }
        guard let clientID = object["client_id"] as? String else { throw Invalid(reason: "the document has no client_id") }
        guard clientID == url else { throw Invalid(reason: "the document's client_id is not the URL it was fetched from") }
        self.clientID = clientID
        for secret in ["client_secret", "client_secret_expires_at"] where object[secret] != nil {
            throw Invalid(reason: "the document contains \(secret); CIMD clients are public clients")
        }
        // RFC 7591's default method is client_secret_basic, which a CIMD client may not use: `none` must be said.
        guard let method = object["token_endpoint_auth_method"] else {
            throw Invalid(reason: "the document must set token_endpoint_auth_method to none")
        }
        guard method as? String == "none" else {
            throw Invalid(reason: "token_endpoint_auth_method must be none; CIMD clients are public clients")
        }
        redirectURIs = try Self.strings(object, "redirect_uris") ?? []
        guard !redirectURIs.isEmpty else { throw Invalid(reason: "the document registers no redirect_uris") }
        for uri in redirectURIs {
            guard let parsed = URL(string: uri), parsed.scheme != nil, parsed.fragment == nil, uri.utf8.count <= 1_024 else {
                throw Invalid(reason: "a redirect URI of the document is not an absolute URL without a fragment")
            }
        }
        postLogoutRedirectURIs = try Self.strings(object, "post_logout_redirect_uris") ?? []
        grantTypes = try Self.strings(object, "grant_types") ?? ["authorization_code"]
        responseTypes = try Self.strings(object, "response_types") ?? ["code"]
        if let scope = object["scope"] {
            guard let text = scope as? String else { throw Invalid(reason: "scope must be a string") }
            scopes = text.split(separator: " ").map(String.init)
        }
        if let name = object["client_name"] {
            guard let text = name as? String else { throw Invalid(reason: "client_name must be a string") }
            clientName = String(text.prefix(128))
        }
    }

    private static func strings(_ object: [String: Any], _ key: String) throws(Invalid) -> [String]? {
        guard let value = object[key] else { return nil }
        guard let list = value as? [String] else { throw Invalid(reason: "\(key) must be an array of strings") }
        return list
    }

    /// The OAuth flows the document asks for (`authorization_code` with `code`, `implicit` with `token`);
    /// `client_credentials` is never one (CIMD clients are public).
    var flows: Set<OAuthFlowType> {
        var flows: Set<OAuthFlowType> = []
        if grantTypes.contains("authorization_code") && responseTypes.contains("code") { flows.insert(.code) }
        if grantTypes.contains("implicit") && responseTypes.contains("token") { flows.insert(.implicit) }
        return flows
    }

    /// The client a CIMD client acts as: its policy's app client, with what both allow (flows, scopes), the
    /// document's redirect URIs, and no secret. Its ID stays the app client's (the tokens' `aud` and
    /// `client_id`); `metadataURL` binds its codes and refresh tokens to the document.
    func client(narrowing app: AppClient) -> AppClient {
        var client = app
        client.secrets = []
        client.metadataURL = clientID
        client.settings.clientSecret = nil
        client.settings.callbackURLs = redirectURIs
        client.settings.logoutURLs = postLogoutRedirectURIs
        client.settings.defaultRedirectURI = nil
        client.settings.allowedOAuthFlows = (app.settings.allowedOAuthFlows ?? []).filter { flows.contains($0) }
        if let scopes {
            client.settings.allowedOAuthScopes = (app.settings.allowedOAuthScopes ?? []).filter { scopes.contains($0) }
        }
        return client
    }
}
