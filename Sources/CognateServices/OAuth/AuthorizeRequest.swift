import CognateStorage
import CognitoModel
import Foundation

/// A request to `/oauth2/authorize` (and the login page, which takes the same parameters) once checked:
/// its client, where to send the browser back, and what was asked for.
public struct AuthorizeRequest: Sendable {
    public enum ResponseType: String, Sendable {
        case code
        case token
    }

    public var pool: UserPool
    public var client: AppClient
    public var responseType: ResponseType
    public var redirectURI: String
    public var scopes: [String]
    public var state: String?
    public var codeChallenge: String?
    public var nonce: String?
    /// `prompt=login`: show the form even with a live session.
    public var forcesLogin: Bool
    /// The client's branding for the pages (SetUICustomization), if any.
    public var branding: PageBranding?
}

/// What the pages show of a client's branding: its CSS and where its logo is served.
public struct PageBranding: Sendable {
    public var css: String?
    public var logoPath: String?
}

/// Why an authorize request is refused. With an unknown client or redirect URI the browser must not be
/// sent anywhere (Cognito's own error page, `redirect_mismatch`); once both are known, the error goes back
/// to the client's redirect URI.
public enum AuthorizeFailure: Error, Sendable {
    case errorPage(error: String, clientID: String?)
    case redirect(String)
}

extension AuthorizeRequest {
    /// Longest parameter value taken; the rest are refused, never echoed.
    static let maxParameter = 2_048

    /// `host` is the request's `Host`: on one of a pool's domains, only that pool's clients are served.
    static func check(_ query: [String: String], host: String?, deps: ServiceDependencies) async -> Result<AuthorizeRequest, AuthorizeFailure> {
        let clientID = query["client_id"]
        guard let clientID, !clientID.isEmpty, clientID.utf8.count <= 128,
              let client = try? await deps.storage.appClient(clientID: clientID),
              let pool = try? await deps.storage.userPool(id: client.poolID)
        else { return .failure(.errorPage(error: "redirect_mismatch", clientID: nil)) }
        if let domainPool = await poolOfDomain(host: host, deps: deps), domainPool != pool.id {
            return .failure(.errorPage(error: "redirect_mismatch", clientID: clientID))
        }
        let callbacks = client.settings.callbackURLs ?? []
        guard let redirect = query["redirect_uri"], callbacks.contains(redirect) else {
            return .failure(.errorPage(error: "redirect_mismatch", clientID: clientID))
        }
        let state = query["state"]
        func back(_ error: String) -> Result<AuthorizeRequest, AuthorizeFailure> {
            .failure(.redirect(OAuthRedirect.query(redirect, ["error": error, "state": state])))
        }
        if query.values.contains(where: { $0.utf8.count > maxParameter }) { return back("invalid_request") }
        guard let rawType = query["response_type"], let responseType = ResponseType(rawValue: rawType) else { return back("invalid_request") }
        let challenge = query["code_challenge"]
        if let method = query["code_challenge_method"] {
            // Cognito supports S256 only.
            guard method == "S256", challenge != nil else { return back("invalid_request") }
        } else if challenge != nil {
            return back("invalid_request")
        }
        let flow: OAuthFlowType = responseType == .code ? .code : .implicit
        guard client.settings.allowedOAuthFlowsUserPoolClient == true, client.settings.allowedOAuthFlows?.contains(flow) == true else {
            return back("unauthorized_client")
        }
        if client.settings.supportedIdentityProviders?.contains("COGNITO") == false { return back("unauthorized_client") }
        let allowed = client.settings.allowedOAuthScopes ?? []
        let scopes = query["scope"].map { $0.split(separator: " ").map(String.init) } ?? allowed
        guard !scopes.isEmpty, scopes.allSatisfy(allowed.contains) else { return back("invalid_scope") }
        // email, phone and profile come only with openid.
        if !scopes.contains("openid"), scopes.contains(where: { ["email", "phone", "profile"].contains($0) }) { return back("invalid_scope") }
        return .success(AuthorizeRequest(
            pool: pool, client: client, responseType: responseType, redirectURI: redirect, scopes: scopes, state: state,
            codeChallenge: challenge, nonce: query["nonce"], forcesLogin: query["prompt"] == "login",
            branding: await UICustomizationService(deps).branding(for: client).map { record in
                PageBranding(css: record.css, logoPath: record.image == nil ? nil : UICustomizationService.imagePath(record))
            }))
    }
}

extension AuthorizeRequest {
    /// The pool whose domain a `Host` names: `<prefix>.auth.<region>.amazoncognito.com`, or a custom domain.
    static func poolOfDomain(host: String?, deps: ServiceDependencies) async -> String? {
        guard var name = host?.lowercased(), !name.isEmpty, name.utf8.count <= 253 else { return nil }
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = String(name[..<colon]) }
        let labels = name.split(separator: ".")
        if labels.count == 5, labels[1] == "auth", labels[3] == "amazoncognito", labels[4] == "com",
           let domain = try? await deps.storage.domain(name: String(labels[0])), domain.kind == .prefix {
            return domain.poolID
        }
        if let domain = try? await deps.storage.domain(name: name), domain.kind == .custom { return domain.poolID }
        return nil
    }
}

/// Redirects back to a client: parameters in the query (the code grant and errors) or the fragment
/// (the implicit grant), percent-encoded.
public enum OAuthRedirect {
    public static func query(_ uri: String, _ parameters: [String: String?]) -> String {
        uri + (uri.contains("?") ? "&" : "?") + encode(parameters)
    }

    public static func fragment(_ uri: String, _ parameters: [String: String?]) -> String {
        uri + "#" + encode(parameters)
    }

    static func encode(_ parameters: [String: String?]) -> String {
        parameters.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0 < $1.0 }
            .map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
