import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation
import Logging

/// `POST /oauth2/token`: authenticates the client once for every grant (client_secret_basic or
/// client_secret_post, or a public client's `client_id`), then hands the request to its grant.
public struct TokenEndpoint: Sendable {
    let deps: ServiceDependencies
    private let grants: [String: any TokenGrant]

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
        let all: [any TokenGrant] = [
            ClientCredentialsGrant(deps: deps), AuthorizationCodeGrant(deps: deps), RefreshTokenGrant(deps: deps),
            TokenExchangeGrant(deps: deps),
        ]
        grants = Dictionary(uniqueKeysWithValues: all.map { (type(of: $0).grantType, $0) })
    }

    /// `parameters` is the decoded form; `basic` the client ID and secret of an `Authorization: Basic` header;
    /// `host` the request's `Host` (on a pool's domain, a CIMD client is matched against that pool's policies).
    public func exchange(_ parameters: [String: String], basic: (id: String, secret: String)?, host: String? = nil) async throws(OAuthError)
        -> TokenResponse
    {
        let form = TokenForm(parameters)
        guard let grantType = form.grantType, !grantType.isEmpty else { throw OAuthError.invalidRequest }
        guard let grant = grants[grantType] else { throw OAuthError.unsupportedGrantType }
        let request = try await authenticate(form, basic: basic, host: host)
        for requirement in type(of: grant).requirements {
            try Self.check(requirement, request)
        }
        let replica = try await servingReplica(request.pool)
        do {
            return try await ReplicaGate.$serving.withValue(replica) { try await grant.issue(request) }
        } catch let error as OAuthError {
            throw error
        } catch let error as CognitoError where Triggers.failureCodes.contains(error.code) {
            // A trigger (PreTokenGeneration) refused or failed: the client learns why, as a bad request.
            throw OAuthError("invalid_request", description: error.message)
        } catch {
            deps.logger.error("token endpoint: \(error)")
            throw OAuthError.serverFailure(error)
        }
    }

    /// `POST /oauth2/revoke`: revokes a refresh token of the authenticated client and every token minted
    /// from it. An unknown token is no error (RFC 7009 §2.2).
    public func revoke(_ parameters: [String: String], basic: (id: String, secret: String)?, host: String? = nil) async throws(OAuthError) {
        let form = TokenForm(parameters)
        guard let token = form.required(\.token, maxBytes: 16_384) else { throw OAuthError.invalidRequest }
        let request = try await authenticate(form, basic: basic, host: host)
        _ = try await servingReplica(request.pool)
        guard request.client.settings.enableTokenRevocation != false else { throw OAuthError.invalidRequest }
        if JWTParts(token) != nil { throw OAuthError("unsupported_token_type") }
        let hash = OpaqueToken.hash(token)
        do {
            guard let record = try await StorageError.ifPresent({ try await deps.storage.refreshToken(hash: hash) }),
                record.clientID == request.client.clientID, record.metadataURL == request.client.metadataURL
            else { return }
            try await UserSessions(deps: deps).revoke(record, linked: false)
        } catch {
            deps.logger.error("revocation: \(error)")
            throw OAuthError.serverFailure(error)
        }
    }

    /// One requirement of a grant (see `GrantRequirement`), with its error.
    private static func check(_ requirement: GrantRequirement, _ request: TokenRequest) throws(OAuthError) {
        let settings = request.client.settings
        switch requirement {
        case .secret:
            guard request.authenticated else { throw OAuthError.invalidClient }
        case .oauthFlow(let flow):
            guard settings.allowedOAuthFlows?.contains(flow) == true else { throw OAuthError.unauthorizedClient }
        case .oauthFlowsOn(let error):
            guard settings.allowedOAuthFlowsUserPoolClient == true else { throw error }
        case .authFlow(let flow):
            do {
                try ClientGate.requireFlow(flow, request.client)
            } catch {
                throw OAuthError.unauthorizedClient
            }
        case .parameter(let field, let maxBytes):
            guard request.form.required(field, maxBytes: maxBytes) != nil else { throw OAuthError.invalidRequest }
        }
    }

    private func authenticate(_ form: TokenForm, basic: (id: String, secret: String)?, host: String?) async throws(OAuthError) -> TokenRequest {
        // RFC 6749 §2.3: one way of authenticating per request.
        if basic != nil && form.clientSecret != nil { throw OAuthError.invalidRequest }
        guard let clientID = basic?.id ?? form.clientID, !clientID.isEmpty else { throw OAuthError.invalidClient }
        if let named = form.clientID, basic != nil, named != clientID { throw OAuthError.invalidClient }
        if MetadataClients.isMetadataURL(clientID) { return try await authenticateMetadataClient(clientID, form: form, basic: basic, host: host) }
        let client: AppClient
        let pool: UserPool
        do {
            client = try await deps.storage.appClient(clientID: clientID)
            pool = try await deps.storage.userPool(id: client.poolID)
        } catch StorageError.notFound {
            throw OAuthError.invalidClient
        } catch {
            // A client that could not be read is not an invalid one.
            deps.logger.error("token endpoint: \(error)")
            throw OAuthError.serverFailure(error)
        }
        let presented = basic?.secret ?? form.clientSecret
        if client.secrets.isEmpty {
            // A public client has nothing to prove; it must not pretend to.
            if presented != nil { throw OAuthError.invalidClient }
            return TokenRequest(form: form, client: client, pool: pool, authenticated: false)
        }
        // A confidential client must prove its secret for every grant.
        guard let presented, client.secrets.contains(where: { ConstantTime.equal(Array($0.value.utf8), Array(presented.utf8)) })
        else { throw OAuthError.invalidClient }
        return TokenRequest(form: form, client: client, pool: pool, authenticated: true)
    }

    /// A CIMD client: public, so it presents no secret; its document (cached, or fetched again once
    /// expired) must still be valid and a policy must still accept its URL.
    private func authenticateMetadataClient(_ url: String, form: TokenForm, basic: (id: String, secret: String)?, host: String?)
        async throws(OAuthError) -> TokenRequest
    {
        if basic != nil || form.clientSecret != nil {
            throw OAuthError("invalid_client", status: 401, description: "CIMD clients are public clients and present no secret.")
        }
        do {
            let poolID = try await AuthorizeRequest.domain(host: host, deps: deps)?.poolID
            switch try await MetadataClients(deps: deps).resolve(url, poolID: poolID) {
            case .failure(let refusal):
                throw OAuthError("invalid_client", status: 401, description: refusal.reason)
            case .success(let resolved):
                return TokenRequest(form: form, client: resolved.client, pool: resolved.pool, authenticated: false)
            }
        } catch let error as OAuthError {
            throw error
        } catch {
            deps.logger.error("token endpoint: \(error)")
            throw OAuthError.serverFailure(error)
        }
    }

    /// The pool's secondary replica when this node's Region (`--region`) is one: its settings serve the grant
    /// while it is ACTIVE; while it is INACTIVE the Region serves no end user (`temporarily_unavailable`).
    private func servingReplica(_ pool: UserPool) async throws(OAuthError) -> UserPoolReplica? {
        let replica: UserPoolReplica?
        do {
            replica = try await deps.replicas?.secondary(poolID: pool.id, region: deps.configuration.defaultRegion)
        } catch {
            deps.logger.error("token endpoint: \(error)")
            throw OAuthError.serverFailure(error)
        }
        if let replica, replica.status != .active {
            throw OAuthError("temporarily_unavailable", status: 503, description: ReplicaGate.inactive(replica).message)
        }
        return replica
    }
}
