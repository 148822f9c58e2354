import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel

/// GlobalSignOut, AdminUserGlobalSignOut and RevokeToken: revoking refresh tokens, and with them every
/// access and ID token minted from them (they share its `origin_jti`).
struct SignOutService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GlobalSignOut.self) { input, _ in
            let (pool, user, _) = try await AccessTokenVerifier(deps: deps).verify(input.accessToken)
            try await deps.storage.revokeRefreshTokens(poolID: pool.id, usernameKey: user.usernameKey)
            try await UserSessions(deps: deps).endAll(poolID: pool.id, usernameKey: user.usernameKey)
            return GlobalSignOutResponse()
        }
        table.register(Operations.AdminUserGlobalSignOut.self) { input, _ in
            let (pool, user) = try await UserAdminService(deps).find(input.userPoolId, input.username)
            try await deps.storage.revokeRefreshTokens(poolID: pool.id, usernameKey: user.usernameKey)
            try await UserSessions(deps: deps).endAll(poolID: pool.id, usernameKey: user.usernameKey)
            return AdminUserGlobalSignOutResponse()
        }
        table.register(Operations.RevokeToken.self) { input, _ in
            let (_, client) = try await ClientGate(deps: deps).resolve(clientID: input.clientId)
            if !client.secrets.isEmpty {
                guard let secret = input.clientSecret, client.secrets.contains(where: { $0.value == secret }) else {
                    throw CognitoError(.unauthorizedException, "Invalid client secret for client \(client.clientID).")
                }
            }
            guard client.settings.enableTokenRevocation != false else {
                throw CognitoError(.unsupportedOperationException, "Token revocation is not enabled for client \(client.clientID).")
            }
            if JWTParts(input.token) != nil {
                throw CognitoError(.unsupportedTokenTypeException, "RevokeToken takes a refresh token.")
            }
            // An unknown token is not an error (RFC 7009): there is nothing left to revoke.
            let hash = OpaqueToken.hash(input.token)
            if let record = try await StorageError.ifPresent({ try await deps.storage.refreshToken(hash: hash) }) {
                guard record.clientID == client.clientID else {
                    throw CognitoError(.unauthorizedException, "The token was not issued to client \(client.clientID).")
                }
                try await UserSessions(deps: deps).revoke(record, linked: input.revokeAssociatedSessions == .linked)
            }
            return RevokeTokenResponse()
        }
    }
}
