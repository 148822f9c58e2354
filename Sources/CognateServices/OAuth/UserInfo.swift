import CognateStorage
import CognitoModel
import Foundation

/// `/oauth2/userInfo`: the user's claims by the access token's scopes (`openid` needed): `sub` and
/// `username`, `email` and `email_verified` with `email`, the phone with `phone`, every readable
/// attribute with `profile`. The verification flags are the strings "true" and "false", as AWS answers.
public struct UserInfo: Sendable {
    let deps: ServiceDependencies

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
    }

    /// The claims, or nil when the token is not one userInfo takes.
    public func claims(accessToken: String) async -> [String: String]? {
        guard accessToken.utf8.count <= 16_384,
              let (pool, user, claims) = try? await AccessTokenVerifier(deps: deps).verify(accessToken, requiring: "openid"),
              let clientID = claims["client_id"]?.string,
              let client = try? await deps.storage.appClient(poolID: pool.id, clientID: clientID)
        else { return nil }
        let scopes = Set((claims["scope"]?.string ?? "").split(separator: " ").map(String.init))
        let permissions = AttributePermissions(client: client)
        var out: [String: String] = ["sub": user.sub, "username": user.username]
        let readable = permissions.readable(user.attributes)
        var wanted: Set<String> = []
        if scopes.contains("email") { wanted.formUnion(["email", "email_verified"]) }
        if scopes.contains("phone") { wanted.formUnion(["phone_number", "phone_number_verified"]) }
        for attribute in readable where attribute.name != "sub" && (scopes.contains("profile") || wanted.contains(attribute.name)) {
            out[attribute.name] = attribute.value
        }
        return out
    }
}
