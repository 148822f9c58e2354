import CognateStorage
import CognateWire
import CognitoModel

/// GetDerivedToken: RFC 8693 token exchange through the API. IAM credentials authorize the request, or
/// else the client's ID and, when it has one, its secret.
struct DerivedTokenService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetDerivedToken.self) { input, context in
            let gate = ClientGate(deps: deps)
            let (pool, client) = try await gate.resolve(clientID: input.clientId)
            if !context.iamAuthorized || input.clientSecret != nil {
                try gate.requireClientSecret(input.clientSecret, client)
            }
            let issued = try await TokenExchange(deps: deps).exchange(
                TokenExchange.Request(
                    client: client, pool: pool, subjectToken: input.subjectToken, subjectTokenType: input.subjectTokenType,
                    subjectTokenProviderName: input.subjectTokenProviderName, actorToken: input.actorToken,
                    actorTokenType: input.actorTokenType, actorTokenProviderName: input.actorTokenProviderName, scopes: input.scopes,
                    audiences: input.audiences, resources: input.resources, requestedTokenType: input.requestedTokenType))
            return GetDerivedTokenResponse(
                issuedToken: issued.token, issuedTokenType: issued.type, tokenType: issued.type == .accessToken ? .bearer : .nA,
                expiresIn: issued.expiresIn, scopes: issued.scopes.isEmpty ? nil : issued.scopes)
        }
    }
}
