import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// RFC 8693 token exchange, as Cognito does it for GetDerivedToken and the token endpoint's
/// token-exchange grant: a user's token (the subject) is traded for a narrower token bound to one audience,
/// with an `act` claim naming the intermediary when an actor token comes along. No refresh token is issued.
///
/// The caller has authenticated the client already (IAM, or its ID and secret); this checks everything else.
struct TokenExchange {
    let deps: ServiceDependencies

    /// What the exchange is asked for, in the API's terms (the token endpoint translates its URNs).
    struct Request {
        var client: AppClient
        var pool: UserPool
        var subjectToken: String
        var subjectTokenType: TokenTypeIdentifierType
        var subjectTokenProviderName: String?
        var actorToken: String?
        var actorTokenType: TokenTypeIdentifierType?
        var actorTokenProviderName: String?
        var scopes: [String]?
        var audiences: [String]?
        var resources: [String]?
        var requestedTokenType: IssuedTokenTypeIdentifierType?
    }

    struct Issued: Equatable {
        var token: String
        var type: IssuedTokenTypeIdentifierType
        var expiresIn: Int
        var scopes: [String]
    }

    func exchange(_ request: Request) async throws -> Issued {
        let client = request.client
        let flows = Set(client.settings.explicitAuthFlows ?? [])
        let delegation = request.actorToken != nil
        let needed: ExplicitAuthFlowsType = delegation ? .allowTokenExchangeDelegation : .allowTokenExchangeImpersonation
        guard flows.contains(needed) else { throw Errors.invalidParameter("\(needed.rawValue) flow not enabled for this client") }
        if delegation && request.actorTokenType == nil {
            throw Errors.invalidParameter("ActorTokenType is required when ActorToken is provided.")
        }
        if !delegation && (request.actorTokenType != nil || request.actorTokenProviderName != nil) {
            throw Errors.invalidParameter("ActorTokenType and ActorTokenProviderName need an ActorToken.")
        }
        if !(request.audiences ?? []).isEmpty && !(request.resources ?? []).isEmpty {
            throw Errors.invalidParameter("You can't request both Audiences and Resources.")
        }
        let audience = try await audience(request)
        let issuedType = request.requestedTokenType ?? .accessToken
        guard issuedType == .accessToken || issuedType == .idToken else {
            throw Errors.invalidParameter("RequestedTokenType must be ACCESS_TOKEN or ID_TOKEN.")
        }

        let subject = try await verified(
            request.subjectToken, type: request.subjectTokenType, provider: request.subjectTokenProviderName, pool: request.pool, role: "subject")
        guard let sub = subject["sub"]?.string, sub != subject["client_id"]?.string else {
            throw CognitoError(.notAuthorizedException, "The subject token must speak for a user.")
        }
        let user = try await StorageError.map(notFound: Errors.userNotFound) { try await deps.storage.user(poolID: request.pool.id, sub: sub) }
        guard user.enabled else { throw CognitoError(.notAuthorizedException, "User is disabled.") }

        var act: [String: Claim]?
        if let actorToken = request.actorToken, let actorType = request.actorTokenType {
            let actor = try await verified(actorToken, type: actorType, provider: request.actorTokenProviderName, pool: request.pool, role: "actor")
            var claims: [String: Claim] = [:]
            if let actorSub = actor["sub"] { claims["sub"] = actorSub }
            if let actorClient = actor["client_id"] ?? actor["aud"] { claims["client_id"] = actorClient }
            // RFC 8693 §4.1: earlier actors of the subject token nest inside the new one.
            if let earlier = subject["act"] { claims["act"] = earlier }
            act = claims
        }

        let scopes = try Self.grantedScopes(
            asked: request.scopes, held: (subject["scope"]?.string ?? "").split(separator: " ").map(String.init),
            allowed: Set(client.settings.allowedOAuthScopes ?? []))
        let issuer = TokenIssuer(deps: deps)
        let authTime = subject["auth_time"]?.int.map { Date(timeIntervalSince1970: Double($0)) } ?? deps.clock.now()
        let originJTI = subject["origin_jti"]?.string ?? deps.random.uuid()
        let sets = try await issuer.claimSets(
            pool: request.pool, client: client, user: user, originJTI: originJTI, authTime: authTime, scopes: scopes)
        let lifetimes = TokenIssuer.lifetimes(client.settings)
        var claims: [String: Claim]
        let lifetime: Int
        switch issuedType {
        case .idToken:
            claims = sets.id
            lifetime = lifetimes.id
            if let audience { claims["aud"] = .string(audience) }
        default:
            claims = sets.access
            lifetime = lifetimes.access
            if scopes.isEmpty { claims["scope"] = nil }
            if let audience { claims["aud"] = .string(audience) }
        }
        if let act { claims["act"] = .object(act) }
        // A derived token never outlives the token it was derived from (nor, through it, the sign-in's
        // refresh token): exchanging again cannot stretch a stolen token's life.
        var expiresIn = lifetime
        if let subjectExpiry = subject["exp"]?.int, let iat = claims["iat"]?.int, subjectExpiry < iat + lifetime {
            claims["exp"] = .int(subjectExpiry)
            expiresIn = max(0, subjectExpiry - iat)
        }
        let token = try await deps.keyRing.signer(poolID: request.pool.id).sign(payload: Claim.payload(claims))
        return Issued(token: token, type: issuedType, expiresIn: expiresIn, scopes: scopes)
    }

    /// The one audience the token is bound to: a named audience, or a resource server of the pool.
    private func audience(_ request: Request) async throws -> String? {
        if let audiences = request.audiences, let first = audiences.first {
            guard audiences.count == 1 else { throw Errors.invalidParameter("Audiences may name one audience.") }
            // Another app client is no audience: a token bound to it would be a sign-in to that client minted
            // by this one (an ID token whose `aud` is the other app). The exchanging client may name itself.
            if first != request.client.clientID,
                try await StorageError.ifPresent({ try await deps.storage.appClient(clientID: first) }) != nil
            {
                throw Errors.invalidParameter(
                    "Audience \(first.prefix(128)) is an app client; a derived token cannot be issued to another app client.")
            }
            return first
        }
        if let resources = request.resources, let first = resources.first {
            guard resources.count == 1 else { throw Errors.invalidParameter("Resources may name one resource server.") }
            _ = try await StorageError.map(notFound: Errors.invalidParameter("Resource \(first) is not a resource server of this user pool.")) {
                try await deps.storage.resourceServer(poolID: request.pool.id, identifier: first)
            }
            return first
        }
        return nil
    }

    /// The scopes of the issued token: without a request, the subject token's; with one, the requested
    /// scopes that the subject token has and the client is allowed. None of them is an error.
    static func grantedScopes(asked: [String]?, held: [String], allowed: Set<String>) throws(CognitoError) -> [String] {
        guard let asked else { return held }
        let granted = asked.filter { held.contains($0) && allowed.contains($0) }
        guard !granted.isEmpty else {
            throw Errors.invalidParameter("None of the requested scopes is both in the subject token and allowed for the app client.")
        }
        return granted
    }

    /// The claims of a token this pool issued, once its signature, issuer, type, expiry and revocation are
    /// checked. A third-party token (a provider name, or a SAML assertion) needs a registered identity
    /// provider; exchanging those is not implemented yet, and Cognate says so.
    private func verified(
        _ token: String, type: TokenTypeIdentifierType, provider: String?, pool: UserPool, role: String
    ) async throws -> [String: Claim] {
        if let provider {
            guard try await StorageError.ifPresent({ try await deps.storage.identityProvider(poolID: pool.id, name: provider) }) != nil else {
                throw CognitoError(.resourceNotFoundException, "Identity provider \(provider) does not exist.")
            }
            throw CognitoError(
                .unsupportedOperationException, "Cognate does not yet exchange \(role) tokens issued by identity provider \(provider).")
        }
        guard type == .accessToken || type == .idToken else {
            throw Errors.invalidParameter("A \(type.rawValue) \(role) token needs the identity provider that issued it.")
        }
        let invalid = CognitoError(.notAuthorizedException, "Invalid \(role) token.")
        guard token.utf8.count <= 16_384, let parts = JWTParts(token), parts.alg == "RS256", let kid = parts.kid,
            let claims = try? JSONDecoder().decode([String: Claim].self, from: parts.payload),
            claims["iss"]?.string == deps.configuration.issuer(of: pool)
        else { throw invalid }
        guard let signer = try await deps.keyRing.signers(poolID: pool.id).first(where: { $0.kid == kid }),
            signer.isValidSignature(parts.signature, for: parts.signingInput)
        else { throw invalid }
        guard claims["token_use"]?.string == (type == .accessToken ? "access" : "id") else {
            throw Errors.invalidParameter("The \(role) token is not of type \(type.rawValue).")
        }
        guard let exp = claims["exp"]?.int, Double(exp) > deps.clock.now().timeIntervalSince1970 else {
            throw CognitoError(.notAuthorizedException, "The \(role) token has expired.")
        }
        // A user's token speaks for a sign-in only while that sign-in lives: its refresh token neither
        // revoked nor expired. A user's token without one is no token this pool issued to a user.
        if claims["sub"]?.string != claims["client_id"]?.string {
            guard let origin = claims["origin_jti"]?.string,
                let record = try await StorageError.ifPresent({ try await deps.storage.refreshToken(originJTI: origin) }), !record.revoked
            else {
                throw CognitoError(.notAuthorizedException, "The \(role) token has been revoked.")
            }
            guard record.expiresAt > deps.clock.now() else {
                throw CognitoError(.notAuthorizedException, "The \(role) token's session has expired.")
            }
        }
        return claims
    }
}
