import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel

/// GetClientToken: the API form of the client_credentials grant. The client's secret is the credential
/// (IAM is not evaluated), and the client must have ALLOW_CLIENT_TOKEN_AUTH as its only flow.
struct ClientTokenService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetClientToken.self) { input, _ in
            let (pool, client) = try await ClientGate(deps: deps).resolve(clientID: input.clientId)
            guard client.settings.explicitAuthFlows?.contains(.allowClientTokenAuth) == true else {
                throw Errors.invalidParameter("ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client")
            }
            // A client without a secret has nothing to match: no secret proves it.
            guard client.secrets.contains(where: { ConstantTime.equal(Array($0.value.utf8), Array(input.secret.utf8)) }) else {
                throw CognitoError(.notAuthorizedException, "Unable to verify the client secret for client \(client.clientID).")
            }
            let minter = ClientTokenMinter(deps: deps)
            let allowed = try await minter.allowedScopes(client)
            let scopes: [String]
            if let asked = input.scopes, !asked.isEmpty {
                if let wrong = asked.first(where: { !allowed.contains($0) }) {
                    throw Errors.invalidParameter("Invalid scope requested: \(wrong.prefix(256))")
                }
                scopes = asked
            } else {
                scopes = allowed
            }
            guard !scopes.isEmpty else {
                throw Errors.invalidParameter("The app client has no custom scopes of a resource server to authorize.")
            }
            let minted = try await minter.mint(pool: pool, client: client, scopes: scopes, clientMetadata: input.clientMetadata)
            return GetClientTokenResponse(
                clientAuthenticationResult: ClientAuthenticationResultType(
                    accessToken: minted.token, expiresIn: minted.expiresIn, tokenType: "Bearer"))
        }
    }
}
