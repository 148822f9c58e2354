import CognateStorage
import CognitoModel
import Foundation

/// The users an identity provider signs in, as Cognito keeps them: username `<provider>_<subject>` in lower
/// case, status EXTERNAL_PROVIDER, no password, the read-only `identities` attribute, membership of the
/// group `<poolId>_<ProviderName>` (made on first sign-in), and the mapped attributes rewritten at every
/// sign-in. PreSignUp_ExternalProvider may refuse a first sign-in.
struct FederatedUsers {
    let deps: ServiceDependencies

    static let status = "EXTERNAL_PROVIDER"

    static func username(provider: IdentityProvider, subject: String) -> String {
        (provider.name + "_" + subject).lowercased()
    }

    static func groupName(provider: IdentityProvider, poolID: String) -> String { poolID + "_" + provider.name }

    /// The pool attributes the provider's claims map to; an email is unverified unless `email_verified` is mapped too.
    static func mapped(_ claims: [String: JSONValue], provider: IdentityProvider) -> [AttributeType] {
        var out: [String: String] = [:]
        for (attribute, claim) in provider.attributeMapping where attribute != "username" {
            guard let value = claims[claim], let text = text(value) else { continue }
            out[attribute] = String(text.prefix(2048))
        }
        if out["email"] != nil, provider.attributeMapping["email_verified"] == nil { out["email_verified"] = "false" }
        if out["phone_number"] != nil, provider.attributeMapping["phone_number_verified"] == nil { out["phone_number_verified"] = "false" }
        return out.sorted { $0.key < $1.key }.map { AttributeType(name: $0.key, value: $0.value) }
    }

    /// A claim as attribute text: strings as they are, booleans and numbers spelled out, lists
    /// form-encoded and joined with commas.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number == number.rounded() && abs(number) < 9e15 ? String(Int(number)) : String(number)
        case .array(let list):
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-*_"))
            return list.compactMap(text).map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: ",")
        case .null, .object: return nil
        }
    }

    /// The `identities` attribute of a user signed in through `provider`.
    static func identities(provider: IdentityProvider, subject: String, since: Date) -> String {
        let identity: [String: Any] = [
            "userId": subject, "providerName": provider.name, "providerType": provider.type, "issuer": NSNull(), "primary": true,
            "dateCreated": Int(since.timeIntervalSince1970 * 1000),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: [identity], options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The user who signs in as `subject` of `provider`: created on the first sign-in, their mapped attributes
    /// rewritten on every later one.
    func signIn(provider: IdentityProvider, subject: String, claims: [String: JSONValue], pool: UserPool, client: AppClient) async throws -> User {
        let attributes = Self.mapped(claims, provider: provider)
        // Mapped attributes are written on the user's behalf: they must be ones the client may write, and mutable.
        try AttributePermissions(client: client).checkWrite(attributes.map(\.name).filter { provider.attributeMapping[$0] != nil })
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let username = Self.username(provider: provider, subject: subject)
        let key = directory.usernameKey(username)
        if let existing = try? await deps.storage.user(poolID: pool.id, usernameKey: key) {
            guard existing.enabled else { throw SignInPolicy.disabled }
            try AttributeRules(pool: pool).check(attributes, creating: false)
            return try await UserAdminService(deps).update(pool, existing) { user in
                for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
            }
        }
        try AttributeRules(pool: pool).check(attributes, creating: true)
        let now = deps.clock.now()
        let sub = Identifiers(random: deps.random).sub()
        var user = User(
            poolID: pool.id, username: username, usernameKey: key, sub: sub, attributes: [UserAttribute(name: "sub", value: sub)],
            status: Self.status, enabled: true, creationDate: now, lastModifiedDate: now)
        for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
        user.setAttribute("identities", Self.identities(provider: provider, subject: subject, since: now))
        try AttributeRules(pool: pool).checkRequired(user)
        _ = try await SignUpTriggers(deps: deps).preSignUp(
            source: "PreSignUp_ExternalProvider", pool: pool, userName: username, clientID: client.clientID, attributes: attributes,
            validationData: nil, clientMetadata: nil)
        user.aliasKeys = directory.aliasKeys(of: user)
        do {
            try await deps.storage.createUser(user)
        } catch StorageError.alreadyExists {
            // A sign-in of the same identity that got there first: this one signs the same user in.
            return try await deps.storage.user(poolID: pool.id, usernameKey: key)
        }
        try await joinProviderGroup(user: user, provider: provider, pool: pool, now: now)
        return user
    }

    /// The group Cognito makes for each provider on its first sign-in.
    private func joinProviderGroup(user: User, provider: IdentityProvider, pool: UserPool, now: Date) async throws {
        let name = Self.groupName(provider: provider, poolID: pool.id)
        do {
            try await deps.storage.createGroup(Group(poolID: pool.id, name: name, creationDate: now, lastModifiedDate: now))
        } catch StorageError.alreadyExists {
            // Made by an earlier sign-in.
        }
        try await deps.storage.addMember(poolID: pool.id, groupName: name, usernameKey: user.usernameKey)
    }
}
