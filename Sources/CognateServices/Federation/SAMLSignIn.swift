import CognateSAML
import CognateStorage
import CognitoModel
import Foundation
import Logging

/// Sign-in through a SAML 2.0 identity provider. Cognito is the service provider
/// `urn:amazon:cognito:sp:<poolId>` with its assertion consumer at `/saml2/idpresponse` (POST binding):
/// `/oauth2/authorize` naming the provider sends the browser to the provider's sign-in endpoint with an
/// `AuthnRequest` (redirect binding, signed when `RequestSigningAlgorithm` is set) and a `RelayState` that
/// finds the sign-in again; the response is checked completely (`SAMLResponseCheck`), each assertion is
/// taken once, and the user is signed in as a federated user. With `IDPInit`, a response nobody asked
/// for is taken too, its `RelayState` carrying the authorize parameters.
public struct SAMLSignIn: Sendable {
    let deps: ServiceDependencies

    public static func serviceProvider(_ poolID: String) -> String { "urn:amazon:cognito:sp:" + poolID }
    var assertionConsumer: String { deps.configuration.publicBaseURL + "/saml2/idpresponse" }

    /// The most an assertion may be (AWS: 100,000 characters), and its base64 form.
    public static let maximumResponse = 100_000
    static let maximumEncoded = 136_000

    /// The provider's metadata, as read from its MetadataFile or MetadataURL.
    static func metadata(_ provider: IdentityProvider) throws(SAMLFailure) -> SAMLMetadata {
        guard let document = provider.details["MetadataFile"] ?? provider.details[ProviderDetails.fetchedMetadata] else {
            throw SAMLFailure("The identity provider has no metadata.")
        }
        return try SAMLMetadata(xml: Array(document.utf8))
    }

    func back(_ request: AuthorizeRequest, _ error: String, _ description: String?) -> String {
        OAuthRedirect.query(request.redirectURI, ["error": error, "error_description": description, "state": request.state])
    }

    /// The pool's private key, which signs requests and decrypts assertions (its certificate is
    /// GetSigningCertificate's and the provider's ActiveEncryptionCertificate).
    func poolKey(_ pool: UserPool) async throws -> String {
        _ = try await deps.keyRing.signer(poolID: pool.id)
        guard let key = try await deps.storage.signingKeys(poolID: pool.id).first else {
            throw CognitoError(.internalErrorException, "The user pool has no signing key.")
        }
        return key.privateKeyPEM
    }

    /// Where the browser goes to sign in with the SAML provider.
    /// `binding` is the browser's federation cookie (`BrowserBinding`); throws only when the database fails.
    func start(_ request: AuthorizeRequest, query: [String: String], provider: IdentityProvider, binding: String) async throws -> String {
        let metadata: SAMLMetadata
        do {
            metadata = try Self.metadata(provider)
        } catch {
            return back(request, "invalid_request", "The identity provider's metadata cannot be read: \(error.description)")
        }
        guard let destination = metadata.singleSignOnRedirect else {
            return back(request, "invalid_request", "The identity provider has no sign-in endpoint with the HTTP-Redirect binding.")
        }
        let requestID = SAMLMessages.id(deps.random.bytes(20))
        let relayState = OpaqueToken.make(deps.random, bytes: 32)
        do {
            try await deps.storage.createFederationState(
                FederationState(
                    stateHash: OpaqueToken.hash(relayState), poolID: request.pool.id, providerName: provider.name, authorizeQuery: query,
                    nonce: requestID, codeVerifier: "", expiresAt: deps.clock.now().addingTimeInterval(FederationState.lifetime),
                    browserBinding: BrowserBinding.hash(binding)))
        } catch StorageError.capacityReached {
            return back(request, "temporarily_unavailable", FederatedSignIn.busy)
        }
        do {
            let key = provider.details["RequestSigningAlgorithm"] == "rsa-sha256" ? try await poolKey(request.pool) : nil
            let xml = SAMLMessages.authnRequest(
                id: requestID, issuer: Self.serviceProvider(request.pool.id), destination: destination, assertionConsumer: assertionConsumer,
                now: deps.clock.now())
            return try RedirectBinding.url(destination, parameter: "SAMLRequest", xml: xml, relayState: relayState, signingKeyPEM: key)
        } catch let error as SAMLFailure {
            deps.logger.error("saml: the sign-in could not be started: \(error)")
            return back(request, "server_error", nil)
        }
    }

    /// `/saml2/idpresponse`: the provider's response, posted by the browser.
    /// `binding` is the browser's federation cookie: an answer to a sign-in Cognate started is taken only
    /// from the browser that started it. Throws only when the database fails.
    public func finish(_ form: [String: String], binding: String?) async throws -> FederatedSignIn.Outcome {
        let invalid = FederatedSignIn.Outcome.errorPage("Invalid samlResponse or relayState from identity provider")
        guard let encoded = form["SAMLResponse"], !encoded.isEmpty else { return invalid }
        guard encoded.utf8.count <= Self.maximumEncoded,
            let decoded = Data(base64Encoded: encoded.filter { !$0.isWhitespace }), decoded.count <= Self.maximumResponse
        else { return .errorPage("The SAML response is larger than \(Self.maximumResponse) characters.") }
        guard !decoded.isEmpty else { return .errorPage("Invalid base64 SAMLResponse") }
        // AWS's page for this endpoint names the parameter "Relaystate" once; both spellings are taken.
        let relayState = form["RelayState"] ?? form["Relaystate"] ?? ""
        // SP-initiated: the relay state is the one Cognate sent. Otherwise, IdP-initiated: it carries the
        // authorize parameters.
        var requestID: String?
        var query: [String: String]
        var providerName: String?
        var bound = true
        if !relayState.isEmpty, relayState.utf8.count <= 256,
            let stored = try await StorageError.ifPresent({ try await deps.storage.takeFederationState(hash: OpaqueToken.hash(relayState)) })
        {
            guard stored.expiresAt > deps.clock.now() else { return invalid }
            requestID = stored.nonce
            query = stored.authorizeQuery
            providerName = stored.providerName
            bound = BrowserBinding.matches(binding, stored.browserBinding)
        } else {
            guard relayState.utf8.count <= 4096, let parameters = FormEncoding.parse(Array(relayState.utf8)), parameters["client_id"] != nil else {
                return invalid
            }
            query = parameters
        }
        let request: AuthorizeRequest
        switch try await AuthorizeRequest.check(query, host: nil, deps: deps) {
        case .success(let checked): request = checked
        case .failure: return invalid
        }
        guard bound else { return .redirect(back(request, "invalid_request", BrowserBinding.refusal)) }
        let provider: IdentityProvider
        do {
            if let providerName {
                provider = try await deps.storage.identityProvider(poolID: request.pool.id, name: providerName)
            } else if let name = query["identity_provider"], !name.isEmpty {
                provider = try await deps.storage.identityProvider(poolID: request.pool.id, name: name)
            } else if let identifier = query["idp_identifier"], !identifier.isEmpty {
                provider = try await deps.storage.identityProvider(poolID: request.pool.id, identifier: identifier)
            } else {
                return invalid
            }
        } catch StorageError.notFound {
            return .redirect(back(request, "invalid_request", "The identity provider is not one of the user pool's."))
        }
        guard provider.type == "SAML", (request.client.settings.supportedIdentityProviders ?? []).contains(provider.name) else {
            return .redirect(back(request, "unauthorized_client", "The app client does not support the identity provider \(provider.name)."))
        }
        if requestID == nil, provider.details["IDPInit"] != "true" {
            return .redirect(back(request, "invalid_request", "IdP-initiated sign-in is not enabled for the identity provider \(provider.name)."))
        }
        func refused(_ reason: String) -> FederatedSignIn.Outcome {
            .redirect(back(request, "invalid_request", "Error in SAML response processing: " + reason))
        }
        let assertion: SAMLAssertion
        do {
            let encrypted = provider.details["EncryptedResponses"] == "true"
            let check = SAMLResponseCheck(
                serviceProvider: Self.serviceProvider(request.pool.id), assertionConsumer: assertionConsumer,
                identityProvider: try Self.metadata(provider), requestID: requestID, requireEncryption: encrypted,
                decryption: encrypted ? XMLDecryption(privateKeyPEM: try await poolKey(request.pool)) : nil, now: deps.clock.now())
            assertion = try check.check(Array(decoded))
        } catch let failure as SAMLFailure {
            deps.logger.notice("saml: \(provider.name): \(failure.description)")
            return refused(failure.description)
        } catch {
            deps.logger.error("saml: \(provider.name): \(error)")
            return .redirect(back(request, "server_error", nil))
        }
        // Each assertion once: its ID is remembered past the time it could still be taken.
        do {
            let lifetime = FederationState.lifetime + 2 * 120
            try await deps.storage.createFederationState(
                FederationState(
                    stateHash: OpaqueToken.hash("saml-assertion:" + provider.name + ":" + assertion.issuer + ":" + assertion.id),
                    poolID: request.pool.id,
                    providerName: provider.name, authorizeQuery: [:], nonce: "", codeVerifier: "",
                    expiresAt: deps.clock.now().addingTimeInterval(lifetime)))
        } catch StorageError.alreadyExists {
            return refused("The assertion was already used.")
        }
        var claims: [String: JSONValue] = assertion.attributes.mapValues { values in
            values.count == 1 ? .string(values[0]) : .string(values.joined(separator: ","))
        }
        do {
            if let chosen = try await FederationTriggers(deps: deps).inbound(
                provider: provider, userName: FederatedUsers.username(provider: provider, subject: assertion.nameID),
                clientID: request.client.clientID,
                pool: request.pool, attributes: ["samlResponse": .object(claims)])
            {
                claims = chosen.mapValues(JSONValue.string)
            }
            let user = try await FederatedUsers(deps: deps).signIn(
                provider: provider, subject: assertion.nameID, claims: claims, pool: request.pool, client: request.client)
            let session = SAMLSession(
                providerName: provider.name, nameID: assertion.nameID, nameIDFormat: assertion.nameIDFormat, sessionIndex: assertion.sessionIndex)
            return .signedIn(request, user, session)
        } catch let error as CognitoError {
            return .redirect(back(request, "invalid_request", "Invalid SAML response received: " + error.message))
        } catch {
            deps.logger.error("saml: \(provider.name): \(error)")
            return .redirect(back(request, "server_error", nil))
        }
    }
}
