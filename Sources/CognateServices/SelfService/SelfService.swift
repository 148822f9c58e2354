import CognateStorage
import CognateWire
import CognitoModel

/// The operations users call with their own access token.
struct SelfService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetUser.self) { input, _ in
            let (_, user, _) = try await AccessTokenVerifier(deps: deps).verify(input.accessToken)
            return GetUserResponse(username: user.username, userAttributes: user.wireAttributes)
        }
    }
}
