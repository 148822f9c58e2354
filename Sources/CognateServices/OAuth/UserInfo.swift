import CognateStorage
import CognitoModel
import Foundation

/// `/oauth2/userInfo`: the claims of the user an access token with `openid` speaks for: `sub`, `username`
/// and every attribute the token's app client may read — what AWS documents for `openid` (the `email`,
/// `phone` and `profile` scopes ask for parts of that, which `openid` gives whole). The verification flags
/// are the strings "true" and "false", as AWS answers.
public struct UserInfo: Sendable {
    let deps: ServiceDependencies

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
    }

    /// The claims, or nil when the token is not one userInfo takes. Throws when the answer cannot be
    /// known (the database does not answer): that is a server error, never a bad token.
    public func claims(accessToken: String) async throws -> [String: String]? {
        guard accessToken.utf8.count <= 16_384 else { return nil }
        let verified: (pool: UserPool, user: User, claims: [String: Claim])
        do {
            verified = try await AccessTokenVerifier(deps: deps).verify(accessToken, requiring: "openid")
        } catch is CognitoError {
            return nil
        }
        guard let clientID = verified.claims["client_id"]?.string,
            let client = try await StorageError.ifPresent({ try await deps.storage.appClient(poolID: verified.pool.id, clientID: clientID) })
        else { return nil }
        let user = verified.user
        var out: [String: String] = ["sub": user.sub, "username": user.username]
        for attribute in AttributePermissions(client: client).readable(user.attributes) where attribute.name != "sub" {
            out[attribute.name] = attribute.value
        }
        return out
    }
}
