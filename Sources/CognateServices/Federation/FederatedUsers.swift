import CognateSAML
import CognateStorage
import CognitoModel
import Foundation

/// The users an identity provider signs in, as Cognito keeps them: username `<provider>_<subject>` in lower
/// case, status EXTERNAL_PROVIDER, no password, the read-only `identities` attribute, membership of the
/// group `<poolId>_<ProviderName>` (made on first sign-in), and the mapped attributes rewritten at every
/// sign-in. PreSignUp_ExternalProvider may refuse a first sign-in.
struct FederatedUsers {
    let deps: ServiceDependencies

    static let status = UserStatusType.externalProvider

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

    /// The `identities` attribute once `subject` of `provider` is among them: `current` with the identity
    /// added when it is not there yet (the first one is the primary).
    static func identities(_ current: String?, provider: IdentityProvider, subject: String, since: Date) -> String {
        var list: [JSONValue] = []
        if let current, case .array(let existing)? = try? JSONDecoder().decode(JSONValue.self, from: Data(current.utf8)) { list = existing }
        let known = list.contains { item in
            guard case .object(let fields) = item else { return false }
            return fields["providerName"] == .string(provider.name) && fields["userId"] == .string(subject)
        }
        if !known {
            list.append(
                .object([
                    "userId": .string(subject), "providerName": .string(provider.name), "providerType": .string(provider.type),
                    // A SAML identity names its provider's entity ID; OIDC and social identities name none.
                    "issuer": provider.type == "SAML" ? ((try? SAMLSignIn.metadata(provider).entityID).map(JSONValue.string) ?? .null) : .null,
                    "primary": .bool(list.isEmpty), "dateCreated": .number((since.timeIntervalSince1970 * 1000).rounded()),
                ]))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(JSONValue.array(list))) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The user an identity of `provider` is linked to: by its subject, or by an attribute its claims map to.
    private func linkedUser(provider: IdentityProvider, subject: String, attributes: [AttributeType], pool: UserPool) async throws -> User? {
        var keys = [LinkedIdentity.aliasKey(provider: provider.name, attribute: ProviderLinks.subject, value: subject)]
        for attribute in attributes where provider.attributeMapping[attribute.name] != nil {
            keys.append(LinkedIdentity.aliasKey(provider: provider.name, attribute: attribute.name, value: attribute.value ?? ""))
        }
        for key in keys {
            if let user = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, aliasKey: key) }) { return user }
        }
        return nil
    }

    /// The user who signs in as `subject` of `provider`: created on the first sign-in, their mapped attributes
    /// rewritten on every later one.
    func signIn(provider: IdentityProvider, subject: String, claims: [String: JSONValue], pool: UserPool, client: AppClient) async throws -> User {
        let attributes = Self.mapped(claims, provider: provider)
        // Mapped attributes are written on the user's behalf: they must be ones the client may write, and mutable.
        try AttributePermissions(client: client).checkMappedWrite(attributes.map(\.name).filter { provider.attributeMapping[$0] != nil })
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        // An identity linked to a user (AdminLinkProviderForUser) signs that user in.
        if let linked = try await linkedUser(provider: provider, subject: subject, attributes: attributes, pool: pool) {
            guard linked.enabled else { throw SignInPolicy.disabled }
            let now = deps.clock.now()
            return try await UserAdminService(deps).update(pool, linked) { user in
                for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
                user.setAttribute("identities", Self.identities(user.attribute("identities"), provider: provider, subject: subject, since: now))
            }
        }
        let username = Self.username(provider: provider, subject: subject)
        let key = directory.usernameKey(username)
        if let existing = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: key) }) {
            // A native user who happens to have the name is not the provider's to sign in.
            guard existing.status == Self.status else {
                throw CognitoError(.usernameExistsException, "A user of the pool already has the username \(username).")
            }
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
        user.setAttribute("identities", Self.identities(nil, provider: provider, subject: subject, since: now))
        try AttributeRules(pool: pool).checkRequired(user)
        _ = try await SignUpTriggers(deps: deps).preSignUp(
            source: "PreSignUp_ExternalProvider", pool: pool, userName: username, clientID: client.clientID, attributes: attributes,
            validationData: nil, clientMetadata: nil)
        user.aliasKeys = directory.aliasKeys(of: user)
        do {
            try await deps.storage.createUser(user)
        } catch StorageError.alreadyExists(let what) {
            // A sign-in of the same identity that got there first: this one signs the same user in.
            if what == "username", let first = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: key) }),
                first.status == Self.status
            {
                return first
            }
            throw CognitoError(.aliasExistsException, UserDirectory.aliasTakenMessage(try await directory.takenAlias(of: user)))
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
