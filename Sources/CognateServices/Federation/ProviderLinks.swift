import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// AdminLinkProviderForUser and AdminDisableProviderForUser: an identity of an external provider linked to
/// an existing user (who then signs in with it), the link removed again, or a native user's password sign-in
/// turned off.
struct ProviderLinks {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// AWS's limit of identities linked to one user.
    static let maxLinks = 5
    static let subject = "Cognito_Subject"

    func register(in table: inout OperationTable) {
        table.register(Operations.AdminLinkProviderForUser.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let source = try await identity(input.sourceUser, pool: pool, role: "SourceUser")
            let destination = try await destinationUser(input.destinationUser, pool: pool)
            // The identity must not have signed in already: AWS does not merge users.
            if source.attributeName == Self.subject,
                (try await StorageError.ifPresent({
                    try await deps.storage.user(
                        poolID: pool.id,
                        usernameKey: UserDirectory(pool: pool, storage: deps.storage).usernameKey(
                            (source.providerName + "_" + source.value).lowercased()))
                })) != nil
            {
                throw Errors.invalidParameter(
                    "Merging is not currently supported, provide a SourceUser that has not been used to sign into the user pool.")
            }
            if (destination.linkedIdentities ?? []).count >= Self.maxLinks {
                throw CognitoError(.limitExceededException, "A user can have at most \(Self.maxLinks) linked identities.")
            }
            let now = deps.clock.now()
            do {
                try await UserAdminService(deps).update(pool, destination) { user in
                    var links = user.linkedIdentities ?? []
                    links.removeAll { $0.aliasKey == source.aliasKey }
                    links.append(
                        LinkedIdentity(
                            providerName: source.providerName, attributeName: source.attributeName, value: source.value,
                            linkedAt: now))
                    user.linkedIdentities = links
                }
            } catch let error as CognitoError where error.code == .aliasExistsException {
                throw CognitoError(.aliasExistsException, "The SourceUser is already linked to another user.")
            }
            return .init()
        }
        table.register(Operations.AdminDisableProviderForUser.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let given = input.user
            guard let name = given.providerName, !name.isEmpty, let value = given.providerAttributeValue, !value.isEmpty else {
                throw Errors.invalidParameter("User must name a ProviderName and a ProviderAttributeValue.")
            }
            if name == "Cognito" {
                // A native user: their password no longer signs them in.
                let (_, user) = try await UserAdminService(deps).find(pool.id, value)
                try await UserAdminService(deps).update(pool, user) { user in
                    user.password = nil
                    user.passwordHistory = nil
                }
                return .init()
            }
            let identity = try await identity(given, pool: pool, role: "User")
            if let linked = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, aliasKey: identity.aliasKey) }) {
                try await UserAdminService(deps).update(pool, linked) { user in
                    user.linkedIdentities?.removeAll { $0.aliasKey == identity.aliasKey }
                    if user.linkedIdentities?.isEmpty == true { user.linkedIdentities = nil }
                }
                return .init()
            }
            // A federated user who is not linked: they can no longer sign in with the provider.
            let username = (identity.providerName + "_" + identity.value).lowercased()
            let key = UserDirectory(pool: pool, storage: deps.storage).usernameKey(username)
            guard identity.attributeName == Self.subject,
                let federated = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: key) }),
                federated.status == FederatedUsers.status
            else { throw Errors.userNotFound }
            try await UserAdminService(deps).update(pool, federated) { $0.enabled = false }
            return .init()
        }
    }

    /// An identity of one of the pool's providers, named as AWS's rules allow: `Cognito_Subject` (the only
    /// name for a social provider's identity), or a pool attribute the provider maps a claim to.
    private func identity(_ given: ProviderUserIdentifierType, pool: UserPool, role: String) async throws -> LinkedIdentity {
        guard let name = given.providerName, !name.isEmpty, name != "Cognito" else {
            throw Errors.invalidParameter("\(role) must name one of the user pool's identity providers.")
        }
        guard let provider = try await StorageError.ifPresent({ try await deps.storage.identityProvider(poolID: pool.id, name: name) }) else {
            throw Errors.invalidParameter("The provider \(name.prefix(64)) does not exist for User Pool \(pool.id)")
        }
        guard let attribute = given.providerAttributeName, !attribute.isEmpty, let value = given.providerAttributeValue, !value.isEmpty else {
            throw Errors.invalidParameter("\(role) must have a ProviderAttributeName and a ProviderAttributeValue.")
        }
        if attribute != Self.subject {
            guard !ProviderDetails.social.contains(provider.type), provider.attributeMapping[attribute] != nil, attribute != "username" else {
                throw Errors.invalidParameter(
                    "ProviderAttributeName must be Cognito_Subject\(ProviderDetails.social.contains(provider.type) ? "" : " or an attribute the provider maps to")."
                )
            }
        }
        return LinkedIdentity(providerName: provider.name, attributeName: attribute, value: value, linkedAt: deps.clock.now())
    }

    /// The user an identity is linked to: a native user (`ProviderName` Cognito, the username), or a user an
    /// identity provider made (its provider name and subject).
    private func destinationUser(_ given: ProviderUserIdentifierType, pool: UserPool) async throws -> User {
        guard let name = given.providerName, !name.isEmpty, let value = given.providerAttributeValue, !value.isEmpty else {
            throw Errors.invalidParameter("DestinationUser must name a ProviderName and a ProviderAttributeValue.")
        }
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let username = name == "Cognito" ? value : (name + "_" + value).lowercased()
        guard
            let user = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: directory.usernameKey(username)) }
            )
        else {
            throw Errors.userNotFound
        }
        return user
    }
}
