import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation
import Logging

/// Sign-in through an OpenID Connect provider (and the social providers, which are OAuth providers too):
/// `/oauth2/authorize` with `identity_provider` or `idp_identifier` sends the browser to the provider with a
/// `state`, a `nonce` and PKCE; `/oauth2/idpresponse` takes the provider's code, exchanges it with
/// `client_secret_post`, checks the ID token (signature from the provider's JWKS, issuer, audience, expiry,
/// nonce), reads the user-info endpoint, maps the claims, and signs the federated user in. Provider errors
/// go back to the client's redirect URI.
public struct FederatedSignIn: Sendable {
    let deps: ServiceDependencies

    /// What `/oauth2/idpresponse` comes to.
    public enum Outcome: Sendable {
        /// The user is signed in: the authorize request resumes with them (and the SAML session, for single logout).
        case signedIn(AuthorizeRequest, User, SAMLSession?)
        /// Back to the client with an error (the redirect URI is the client's).
        case redirect(String)
        /// No sign-in can be resumed: Cognate's error page.
        case errorPage(String)
    }

    /// The provider an authorize request names other than the pool itself, or nil.
    public static func requestedProvider(_ query: [String: String]) -> (name: String?, identifier: String?)? {
        let name = query["identity_provider"].flatMap { $0.isEmpty || $0 == "COGNITO" ? nil : $0 }
        let identifier = query["idp_identifier"].flatMap { $0.isEmpty ? nil : $0 }
        if name == nil && identifier == nil { return nil }
        return (name, identifier)
    }

    /// Where the browser goes to sign in with the provider the request names: the provider's authorize
    /// URL, or the client's redirect URI with an error.
    ///
    /// `binding` is the value of the browser's federation cookie (`BrowserBinding`): the provider's answer is
    /// taken only with it. Throws only when the answer cannot be known (the database does not answer).
    public func start(
        _ request: AuthorizeRequest, query: [String: String], name: String?, identifier: String?, binding: String
    ) async throws -> String {
        func back(_ error: String, _ description: String? = nil) -> String {
            OAuthRedirect.query(request.redirectURI, ["error": error, "error_description": description, "state": request.state])
        }
        let provider: IdentityProvider
        do {
            if let name {
                provider = try await deps.storage.identityProvider(poolID: request.pool.id, name: name)
            } else {
                provider = try await deps.storage.identityProvider(poolID: request.pool.id, identifier: identifier ?? "")
            }
        } catch StorageError.notFound {
            return back("invalid_request", "The identity provider is not one of the user pool's.")
        }
        guard (request.client.settings.supportedIdentityProviders ?? []).contains(provider.name) else {
            return back("unauthorized_client", "The app client does not support the identity provider \(provider.name).")
        }
        guard let query = ResumableAuthorize.kept(query) else { return back("invalid_request", ResumableAuthorize.tooLarge) }
        if provider.type == "SAML" { return try await SAMLSignIn(deps: deps).start(request, query: query, provider: provider, binding: binding) }
        guard let authorize = provider.details["authorize_url"], let clientID = provider.details["client_id"] else {
            return back("invalid_request", "The identity provider cannot be signed in with yet.")
        }
        let state = OpaqueToken.make(deps.random, bytes: 32)
        let nonce = OpaqueToken.make(deps.random, bytes: 32)
        let verifier = Base64URL.encode(deps.random.bytes(48))
        do {
            try await deps.storage.createFederationState(
                FederationState(
                    stateHash: OpaqueToken.hash(state), poolID: request.pool.id, providerName: provider.name, authorizeQuery: query,
                    nonce: nonce, codeVerifier: verifier, expiresAt: deps.clock.now().addingTimeInterval(FederationState.lifetime),
                    browserBinding: BrowserBinding.hash(binding)))
        } catch StorageError.capacityReached {
            return back("temporarily_unavailable", Self.busy)
        }
        let challenge = Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        return OAuthRedirect.query(
            authorize,
            [
                "response_type": "code", "client_id": clientID, "redirect_uri": callbackURL, "scope": provider.details["authorize_scopes"],
                "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256",
            ])
    }

    /// The answer when the pool has as many sign-ins waiting at providers as it may keep.
    static let busy = "Too many sign-ins are waiting for identity providers; try again later."

    /// Whether the login page asks for an email address to find the provider by its domain: when a provider
    /// the client supports has an identifier in domain form, as AWS's page does.
    public func routesByEmail(_ request: AuthorizeRequest) async throws -> Bool {
        for name in request.client.settings.supportedIdentityProviders ?? [] where name != "COGNITO" {
            if let provider = try await StorageError.ifPresent({ try await deps.storage.identityProvider(poolID: request.pool.id, name: name) }),
                provider.identifiers.contains(where: { $0.contains(".") })
            {
                return true
            }
        }
        return false
    }

    /// The provider an email address's domain names (one of its identifiers), if the client supports it.
    public func provider(forEmail email: String, _ request: AuthorizeRequest) async throws -> String? {
        guard email.utf8.count <= 320, let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        guard !domain.isEmpty,
            let provider = try await StorageError.ifPresent({ try await deps.storage.identityProvider(poolID: request.pool.id, identifier: domain) }),
            (request.client.settings.supportedIdentityProviders ?? []).contains(provider.name)
        else { return nil }
        return provider.name
    }

    /// The address providers send their answers to.
    var callbackURL: String { deps.configuration.publicBaseURL + "/oauth2/idpresponse" }

    /// `/oauth2/idpresponse`: the provider's answer.
    /// `binding` is the browser's federation cookie, if it sent one. Throws only when the answer cannot be
    /// known (the database does not answer).
    public func finish(_ query: [String: String], host: String?, binding: String?) async throws -> Outcome {
        guard let state = query["state"], !state.isEmpty, state.utf8.count <= 256,
            let stored = try await StorageError.ifPresent({ try await deps.storage.takeFederationState(hash: OpaqueToken.hash(state)) }),
            stored.expiresAt > deps.clock.now()
        else { return .errorPage("invalid_request") }
        let request: AuthorizeRequest
        switch try await AuthorizeRequest.check(stored.authorizeQuery, host: nil, deps: deps) {
        case .success(let checked): request = checked
        case .failure: return .errorPage("invalid_request")
        }
        func back(_ error: String, _ description: String?) -> Outcome {
            .redirect(OAuthRedirect.query(request.redirectURI, ["error": error, "error_description": description, "state": request.state]))
        }
        // Only the browser that was sent to the provider may bring its answer back: a link with another
        // browser's state and code would sign the victim in as whoever made it (login CSRF).
        guard BrowserBinding.matches(binding, stored.browserBinding) else {
            return back("invalid_request", BrowserBinding.refusal)
        }
        // The provider refused, or the user cancelled there: the client hears the provider's words.
        if let error = query["error"] {
            return back(String(error.prefix(128)), query["error_description"].map { String($0.prefix(512)) })
        }
        guard let code = query["code"], !code.isEmpty, code.utf8.count <= 4096 else {
            return back("invalid_request", "The identity provider sent no code.")
        }
        guard
            let provider = try await StorageError.ifPresent({
                try await deps.storage.identityProvider(poolID: request.pool.id, name: stored.providerName)
            })
        else {
            return back("invalid_request", "The identity provider no longer exists.")
        }
        do {
            let answer = try await claims(code: code, verifier: stored.codeVerifier, nonce: stored.nonce, provider: provider)
            var claims = answer.merged
            // A social provider's own subject claim (Facebook's id, Amazon's user_id), or an OpenID provider's sub.
            let subjectClaim = claims[ProviderDetails.subjectClaim(provider.type) ?? "sub"] ?? claims["sub"]
            guard let subject = subjectClaim.flatMap(FederatedUsers.text), !subject.isEmpty else {
                return back("invalid_request", "The identity provider did not say who the user is.")
            }
            // InboundFederation may answer the attributes to map instead of the provider's.
            if let chosen = try await FederationTriggers(deps: deps).inbound(
                provider: provider, userName: FederatedUsers.username(provider: provider, subject: subject), clientID: request.client.clientID,
                pool: request.pool,
                attributes: [
                    "tokenResponse": .object(answer.tokenResponse), "idToken": .object(answer.idToken), "userInfo": .object(answer.userInfo),
                ])
            {
                claims = chosen.mapValues(JSONValue.string)
            }
            let user = try await FederatedUsers(deps: deps).signIn(
                provider: provider, subject: subject, claims: claims, pool: request.pool, client: request.client)
            return .signedIn(request, user, nil)
        } catch let failure as ProviderFailure {
            deps.logger.notice("federation: \(provider.name): \(failure.description)")
            return back("invalid_request", failure.description)
        } catch let error as CognitoError {
            return back("invalid_request", error.message)
        } catch {
            deps.logger.error("federation: \(provider.name): \(error)")
            return back("server_error", nil)
        }
    }

    struct ProviderFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What the provider said of the user: its token response, the ID token's claims (checked), the user-info
    /// answer, and those claims merged (the user-info endpoint's over the ID token's).
    struct ProviderAnswer {
        var tokenResponse: [String: JSONValue]
        var idToken: [String: JSONValue]
        var userInfo: [String: JSONValue]
        var merged: [String: JSONValue] { idToken.merging(userInfo) { _, new in new } }
    }

    private func claims(code: String, verifier: String, nonce: String, provider: IdentityProvider) async throws -> ProviderAnswer {
        guard let web = deps.web else { throw ProviderFailure("Cognate cannot reach identity providers.") }
        try await CallingOut.confirmCachedAnswers()
        let clientID = provider.details["client_id"] ?? ""
        let tokenRequest: WebRequest
        do {
            tokenRequest = try ProviderRequests.token(provider, code: code, verifier: verifier, callback: callbackURL, now: deps.clock.now())
        } catch let failure as ProviderRequests.Failure {
            throw ProviderFailure(failure.description)
        }
        let tokenAnswer: WebResponse
        do {
            tokenAnswer = try await web.send(tokenRequest)
        } catch {
            throw ProviderFailure("The identity provider's token endpoint could not be reached.")
        }
        guard tokenAnswer.status == 200, case .object(let tokens)? = try? JSONDecoder().decode(JSONValue.self, from: Data(tokenAnswer.body)) else {
            throw ProviderFailure("The identity provider refused the code (HTTP \(tokenAnswer.status)).")
        }
        var claims: [String: JSONValue] = [:]
        if case .string(let idToken)? = tokens["id_token"] {
            guard let jwks = ProviderRequests.keysURL(provider), let issuer = provider.details["oidc_issuer"] else {
                throw ProviderFailure("The identity provider's keys are unknown.")
            }
            let keys: WebResponse
            do {
                keys = try await web.send(WebRequest(url: jwks, headers: [("Accept", "application/json")]))
            } catch {
                throw ProviderFailure("The identity provider's keys could not be read.")
            }
            guard keys.status == 200 else { throw ProviderFailure("The identity provider's keys could not be read.") }
            do {
                claims = try IDTokenVerifier(
                    issuer: issuer, clientID: clientID, clientSecret: provider.details["client_secret"], now: deps.clock.now()
                )
                .verify(idToken, keys: keys.body, nonce: nonce)
            } catch let failure as IDTokenVerifier.Failure {
                throw ProviderFailure("The identity provider's ID token was refused: \(failure.description).")
            }
        } else if provider.type == "OIDC" {
            throw ProviderFailure("The identity provider answered without an ID token.")
        }
        var userInfo: [String: JSONValue] = [:]
        if case .string(let accessToken)? = tokens["access_token"], let infoRequest = ProviderRequests.userInfo(provider, accessToken: accessToken) {
            let answer: WebResponse
            do {
                answer = try await web.send(infoRequest)
            } catch {
                throw ProviderFailure("The identity provider's user-info endpoint could not be reached.")
            }
            guard answer.status == 200, case .object(let info)? = try? JSONDecoder().decode(JSONValue.self, from: Data(answer.body)) else {
                throw ProviderFailure("The identity provider's user-info endpoint refused (HTTP \(answer.status)).")
            }
            // The user-info answer is about the ID token's subject, or it is not taken (OIDC Core §5.3.2).
            if let subject = claims["sub"], let other = info["sub"], other != subject {
                throw ProviderFailure("The identity provider's user-info answer is about another user.")
            }
            userInfo = info
        }
        return ProviderAnswer(tokenResponse: tokens, idToken: claims, userInfo: userInfo)
    }
}
