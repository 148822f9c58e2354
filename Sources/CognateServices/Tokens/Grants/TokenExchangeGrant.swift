import CognateStorage
import CognitoModel
import Foundation

/// `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2.1): GetDerivedToken at the
/// token endpoint. Parameters and answer take the RFC's names; token types are its URNs.
struct TokenExchangeGrant: TokenGrant {
    static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    /// The flow it needs (impersonation or delegation) depends on the form: `issue` checks it once the
    /// token types are read.
    static let requirements: [GrantRequirement] = [.parameter(\.subjectToken, maxBytes: .max)]
    let deps: ServiceDependencies

    static let tokenTypes: [String: TokenTypeIdentifierType] = [
        "urn:ietf:params:oauth:token-type:access_token": .accessToken,
        "urn:ietf:params:oauth:token-type:id_token": .idToken,
        "urn:ietf:params:oauth:token-type:saml2": .saml2,
    ]

    static func urn(_ type: IssuedTokenTypeIdentifierType) -> String {
        type == .idToken ? "urn:ietf:params:oauth:token-type:id_token" : "urn:ietf:params:oauth:token-type:access_token"
    }

    func issue(_ request: TokenRequest) async throws -> TokenResponse {
        let form = request.form
        let subject = form.subjectToken ?? ""
        guard let subjectType = form.subjectTokenType.flatMap({ Self.tokenTypes[$0] }) else { throw OAuthError.invalidRequest }
        var actorType: TokenTypeIdentifierType?
        if let actor = form.actorTokenType {
            guard let type = Self.tokenTypes[actor] else { throw OAuthError.invalidRequest }
            actorType = type
        }
        var requested: IssuedTokenTypeIdentifierType?
        if let asked = form.requestedTokenType {
            switch Self.tokenTypes[asked] {
            case .accessToken: requested = .accessToken
            case .idToken: requested = .idToken
            default: throw OAuthError.invalidRequest
            }
        }
        let flows = Set(request.client.settings.explicitAuthFlows ?? [])
        let needed: ExplicitAuthFlowsType = form.actorToken != nil ? .allowTokenExchangeDelegation : .allowTokenExchangeImpersonation
        guard flows.contains(needed) else { throw OAuthError.unauthorizedClient }
        let exchange = TokenExchange.Request(
            client: request.client, pool: request.pool, subjectToken: subject, subjectTokenType: subjectType,
            actorToken: form.actorToken, actorTokenType: actorType,
            scopes: form.scope.map { $0.split(separator: " ").map(String.init) },
            audiences: form.audience.map { [$0] }, resources: form.resource.map { [$0] }, requestedTokenType: requested)
        do {
            let issued = try await TokenExchange(deps: deps).exchange(exchange)
            return TokenResponse(
                accessToken: issued.token, expiresIn: issued.expiresIn, tokenType: issued.type == .accessToken ? "Bearer" : "N_A",
                issuedTokenType: Self.urn(issued.type), scope: issued.scopes.isEmpty ? nil : issued.scopes.joined(separator: " "))
        } catch let error as CognitoError {
            throw Self.oauthError(error)
        }
    }

    /// The API's answers in the token endpoint's terms: a token that does not hold up is invalid_grant,
    /// scopes are invalid_scope, anything else about the request invalid_request.
    static func oauthError(_ error: CognitoError) -> OAuthError {
        switch error.code {
        case .notAuthorizedException, .userNotFoundException:
            return OAuthError("invalid_grant", description: error.message)
        case .invalidParameterException where error.message.contains("scope"):
            return OAuthError("invalid_scope", description: error.message)
        case .invalidParameterException where error.message.hasPrefix("Resource "):
            return OAuthError("invalid_target", description: error.message)
        default:
            return OAuthError("invalid_request", description: error.message)
        }
    }
}
