import CognateSAML
import CognateStorage
import Foundation
import Logging

/// Single logout with a SAML identity provider (`IDPSignout`): `/logout` of a session that a SAML provider
/// signed in sends the browser to the provider's `SingleLogoutService` with a signed `LogoutRequest` naming
/// the user and the session; the provider's `LogoutResponse` comes back to `/saml2/logout`, and only then
/// does the browser go on to the logout URI.
public struct SAMLLogout: Sendable {
    let deps: ServiceDependencies

    public init(deps: ServiceDependencies) { self.deps = deps }

    var endpoint: String { deps.configuration.publicBaseURL + "/saml2/logout" }
    static let targetKey = "logout_target"

    /// The provider's sign-out URL with the request, when the session behind the cookie came from a SAML
    /// provider that signs out too; nil otherwise (the browser goes straight to `target`).
    /// Throws when the database fails.
    public func start(cookie: String?, target: String) async throws -> String? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 256,
            let session = try await StorageError.ifPresent({ try await deps.storage.loginSession(hash: OpaqueToken.hash(cookie)) }),
            let saml = session.saml,
            let provider = try await StorageError.ifPresent({
                try await deps.storage.identityProvider(poolID: session.poolID, name: saml.providerName)
            }),
            provider.details["IDPSignout"] == "true",
            let destination = try? SAMLSignIn.metadata(provider).singleLogoutRedirect,
            let pool = try await StorageError.ifPresent({ try await deps.storage.userPool(id: session.poolID) })
        else { return nil }
        let requestID = SAMLMessages.id(deps.random.bytes(20))
        let relayState = OpaqueToken.make(deps.random, bytes: 32)
        try await deps.storage.createFederationState(
            FederationState(
                stateHash: OpaqueToken.hash(relayState), poolID: pool.id, providerName: provider.name, authorizeQuery: [Self.targetKey: target],
                nonce: requestID, codeVerifier: "", expiresAt: deps.clock.now().addingTimeInterval(FederationState.lifetime)))
        let key = try await SAMLSignIn(deps: deps).poolKey(pool)
        do {
            let xml = SAMLMessages.logoutRequest(
                id: requestID, issuer: SAMLSignIn.serviceProvider(pool.id), destination: destination, nameID: saml.nameID,
                nameIDFormat: saml.nameIDFormat, sessionIndex: saml.sessionIndex, now: deps.clock.now())
            return try RedirectBinding.url(
                destination, parameter: "SAMLRequest", xml: xml, relayState: relayState, signingKeyPEM: key)
        } catch {
            deps.logger.error("saml: the logout request could not be made: \(error)")
            return nil
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// On to the logout URI.
        case redirect(String)
        case refused(String)
    }

    /// `/saml2/logout`: the provider's `LogoutResponse`, by the POST binding (`form`) or the redirect binding
    /// (`rawQuery`, whose signature is over its own text).
    /// Throws when the database fails.
    public func finish(_ parameters: [String: String], rawQuery: String?) async throws -> Outcome {
        guard let relayState = parameters["RelayState"], !relayState.isEmpty, relayState.utf8.count <= 256,
            let stored = try await StorageError.ifPresent({ try await deps.storage.takeFederationState(hash: OpaqueToken.hash(relayState)) }),
            stored.expiresAt > deps.clock.now(),
            let target = stored.authorizeQuery[Self.targetKey]
        else { return .refused("Invalid samlResponse or relayState from identity provider") }
        guard let encoded = parameters["SAMLResponse"], encoded.utf8.count <= SAMLSignIn.maximumEncoded,
            let decoded = Data(base64Encoded: encoded.filter { !$0.isWhitespace }), !decoded.isEmpty
        else { return .refused("Invalid base64 SAMLResponse") }
        guard
            let provider = try await StorageError.ifPresent({
                try await deps.storage.identityProvider(poolID: stored.poolID, name: stored.providerName)
            })
        else {
            return .refused("Error in SAML logout response processing: The identity provider no longer exists.")
        }
        do {
            let metadata = try SAMLSignIn.metadata(provider)
            let xml = rawQuery == nil ? Array(decoded) : try RedirectBinding.inflate(Array(decoded), limit: SAMLSignIn.maximumResponse)
            let tree = try XMLTree(parsing: xml)
            let response = tree.root
            let p = XMLNamespace.protocolNS
            guard response.is(p, "LogoutResponse") else { throw SAMLFailure("The message is not a LogoutResponse.") }
            guard response.attribute("InResponseTo") == stored.nonce else { throw SAMLFailure("The LogoutResponse answers another request.") }
            if let destination = response.attribute("Destination"), destination != endpoint {
                throw SAMLFailure("The LogoutResponse is addressed to another destination.")
            }
            guard response.child(XMLNamespace.assertion, "Issuer")?.text.trimmingCharacters(in: .whitespacesAndNewlines) == metadata.entityID else {
                throw SAMLFailure("The LogoutResponse comes from another issuer than the identity provider.")
            }
            if let rawQuery {
                try RedirectBinding.verify(rawQuery: rawQuery, parameter: "SAMLResponse", certificates: metadata.signingCertificates)
            } else {
                try XMLSignatureVerifier(certificates: metadata.signingCertificates).verify(response)
            }
            let status = response.child(p, "Status")?.child(p, "StatusCode")?.attribute("Value")
            if status != "urn:oasis:names:tc:SAML:2.0:status:Success" {
                // The user is signed out of the pool already; the provider says it could not end its own session.
                deps.logger.notice("saml: \(provider.name) answered the logout with \(status ?? "no status")")
            }
            return .redirect(target)
        } catch let failure as SAMLFailure {
            deps.logger.notice("saml: logout: \(failure.description)")
            return .refused("Error in SAML logout response processing: " + failure.description)
        } catch {
            return .refused("Error in SAML logout response processing.")
        }
    }
}
