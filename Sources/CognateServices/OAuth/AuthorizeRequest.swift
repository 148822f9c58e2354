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
    /// `prompt=none`: no page may be shown; without a live session the answer is `login_required` at the
    /// redirect URI (OpenID Connect Core 3.1.2.6).
    public var silent = false
    /// The client's branding for the pages (SetUICustomization, or the managed login style), if any.
    public var branding: PageBranding?
    /// The domain's branding version: 1 for the classic pages, 2 for managed login.
    public var managedLoginVersion = 1
    /// A CIMD client (its `client_id` the URL of its metadata document): what the pages name it by.
    public var metadataClient: MetadataClientName?
    /// The pool's secondary replica when this node's Region (`--region`) is one: the pages then do what AWS's
    /// secondary does (sign-in while ACTIVE; no sign-up, no password recovery).
    public var replica: UserPoolReplica?

    /// Managed login offers choice-based sign-in (username first, then passkey, one-time code or password)
    /// when the pool allows a first factor other than the password. The classic pages ask for a password.
    public var choiceBased: Bool {
        managedLoginVersion == 2 && (pool.settings.policies?.signInPolicy?.allowedFirstAuthFactors ?? [.password]).contains { $0 != .password }
    }
}

/// What the pages show of a client's branding. Classic pages (domain version 1): the client's CSS and logo
/// (SetUICustomization). Managed login (version 2): the style's colours and radii as CSS custom properties,
/// and where its logo, background image and favicon are served.
public struct PageBranding: Sendable {
    public var css: String?
    public var logoPath: String?
    /// Managed login only: custom properties over the pages' defaults, made from checked values only
    /// (hexadecimal colours, whole pixels), so it can go into a style element as it is.
    public var themeCSS: String?
    public var backgroundPath: String?
    public var faviconPath: String?
    public var faviconType: String?

    public init(
        css: String? = nil, logoPath: String? = nil, themeCSS: String? = nil, backgroundPath: String? = nil,
        faviconPath: String? = nil, faviconType: String? = nil
    ) {
        self.css = css
        self.logoPath = logoPath
        self.themeCSS = themeCSS
        self.backgroundPath = backgroundPath
        self.faviconPath = faviconPath
        self.faviconType = faviconType
    }
}

/// How the pages name a CIMD client: the host of its document's URL, which the draft asks to be shown,
/// and the document's `client_name`, which the client chose itself.
public struct MetadataClientName: Sendable, Equatable {
    public var host: String
    public var clientName: String?
}

/// Why an authorize request is refused. With an unknown client or redirect URI the browser must not be
/// sent anywhere (Cognito's own error page, `redirect_mismatch`); once both are known, the error goes back
/// to the client's redirect URI.
public enum AuthorizeFailure: Error, Sendable {
    case errorPage(error: String, clientID: String?)
    /// The pool's replica in this node's Region is INACTIVE: no end user is served here.
    case regionUnavailable(String)
    /// A CIMD client that cannot be served (no policy, a document that cannot be fetched or is not valid):
    /// `invalid_client` on the error page with why, since its redirect URIs are not known to be its own.
    case clientMetadata(String)
    case redirect(String)
    /// The pool's domain serves managed login (version 2) and the client has no branding style: AWS's pages
    /// do not work then, and neither do Cognate's.
    case noBrandingStyle(clientID: String)
}

extension AuthorizeRequest {
    /// Where an error goes once the client and its redirect URI are known.
    public func errorRedirect(_ error: String) -> String {
        OAuthRedirect.query(redirectURI, ["error": error, "state": state])
    }

    /// Longest parameter value taken; the rest are refused, never echoed.
    static let maxParameter = 2_048

    /// `host` is the request's `Host`: on one of a pool's domains, only that pool's clients are served.
    /// Throws only when the answer cannot be known (the database does not answer).
    static func check(_ query: [String: String], host: String?, deps: ServiceDependencies) async throws -> Result<AuthorizeRequest, AuthorizeFailure>
    {
        let clientID = query["client_id"]
        let hostDomain = try await domain(host: host, deps: deps)
        let client: AppClient
        let pool: UserPool
        var metadataClient: MetadataClientName?
        if let clientID, MetadataClients.isMetadataURL(clientID) {
            switch try await MetadataClients(deps: deps).resolve(clientID, poolID: hostDomain?.poolID) {
            case .failure(let refusal):
                return .failure(.clientMetadata(refusal.reason))
            case .success(let resolved):
                (client, pool) = (resolved.client, resolved.pool)
                metadataClient = MetadataClientName(host: URLComponents(string: clientID)?.host ?? clientID, clientName: resolved.document.clientName)
            }
        } else {
            guard let clientID, !clientID.isEmpty, clientID.utf8.count <= 128,
                let found = try await StorageError.ifPresent({ try await deps.storage.appClient(clientID: clientID) }),
                let foundPool = try await StorageError.ifPresent({ try await deps.storage.userPool(id: found.poolID) })
            else { return .failure(.errorPage(error: "redirect_mismatch", clientID: nil)) }
            (client, pool) = (found, foundPool)
        }
        if let hostDomain, hostDomain.poolID != pool.id {
            return .failure(.errorPage(error: "redirect_mismatch", clientID: client.clientID))
        }
        let replica = try await deps.replicas?.secondary(poolID: pool.id, region: deps.configuration.defaultRegion)
        if let replica, replica.status != .active { return .failure(.regionUnavailable(ReplicaGate.inactive(replica).message)) }
        let callbacks = client.settings.callbackURLs ?? []
        guard let redirect = query["redirect_uri"], callbacks.contains(redirect) else {
            if metadataClient != nil {
                return .failure(.clientMetadata("the redirect_uri is not one the client metadata document registers (they must match exactly)"))
            }
            return .failure(.errorPage(error: "redirect_mismatch", clientID: client.clientID))
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
        // OpenID Connect's prompt: space-separated values, of which none must stand alone.
        let prompts = Set((query["prompt"] ?? "").split(separator: " ").map(String.init))
        if prompts.contains("none") && prompts.count > 1 { return back("invalid_request") }
        let flow: OAuthFlowType = responseType == .code ? .code : .implicit
        guard client.settings.allowedOAuthFlowsUserPoolClient == true, client.settings.allowedOAuthFlows?.contains(flow) == true else {
            return back("unauthorized_client")
        }
        // A request that names another provider is checked against the client's providers when it is sent there.
        if FederatedSignIn.requestedProvider(query) == nil, client.settings.supportedIdentityProviders?.contains("COGNITO") == false {
            return back("unauthorized_client")
        }
        let allowed = client.settings.allowedOAuthScopes ?? []
        let scopes = query["scope"].map { $0.split(separator: " ").map(String.init) } ?? allowed
        guard !scopes.isEmpty, scopes.allSatisfy(allowed.contains) else { return back("invalid_scope") }
        // email, phone and profile come only with openid.
        if !scopes.contains("openid"), scopes.contains(where: { ["email", "phone", "profile"].contains($0) }) { return back("invalid_scope") }
        // The branding version is the domain's: the one in Host, else the pool's (prefix first); without a
        // domain, the classic pages.
        let version: Int
        if let hostDomain {
            version = hostDomain.managedLoginVersion
        } else {
            version = try await deps.storage.domains(poolID: pool.id).first?.managedLoginVersion ?? 1
        }
        let branding: PageBranding?
        if version == 2 {
            guard let style = try await StorageError.ifPresent({ try await deps.storage.brandingStyle(poolID: pool.id, clientID: client.clientID) })
            else {
                return .failure(.noBrandingStyle(clientID: client.clientID))
            }
            branding = ManagedLoginTheme.pageBranding(style)
        } else {
            branding = try await UICustomizationService(deps).branding(for: client).map { record in
                PageBranding(css: record.css, logoPath: record.image == nil ? nil : UICustomizationService.imagePath(record))
            }
        }
        return .success(
            AuthorizeRequest(
                pool: pool, client: client, responseType: responseType, redirectURI: redirect, scopes: scopes, state: state,
                codeChallenge: challenge, nonce: query["nonce"], forcesLogin: prompts.contains("login"), silent: prompts.contains("none"),
                branding: branding, managedLoginVersion: version, metadataClient: metadataClient, replica: replica))
    }
}

extension AuthorizeRequest {
    /// The pool domain a `Host` names: `<prefix>.auth.<region>.amazoncognito.com`, or a custom domain.
    static func domain(host: String?, deps: ServiceDependencies) async throws -> UserPoolDomain? {
        guard var name = host?.lowercased(), !name.isEmpty, name.utf8.count <= 253 else { return nil }
        if let colon = name.lastIndex(of: ":"), !name.hasSuffix("]") { name = String(name[..<colon]) }
        let labels = name.split(separator: ".")
        if labels.count == 5, labels[1] == "auth", labels[3] == "amazoncognito", labels[4] == "com",
            let domain = try await StorageError.ifPresent({ try await deps.storage.domain(name: String(labels[0])) }), domain.kind == .prefix
        {
            return domain
        }
        if let domain = try await StorageError.ifPresent({ try await deps.storage.domain(name: name) }), domain.kind == .custom { return domain }
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
