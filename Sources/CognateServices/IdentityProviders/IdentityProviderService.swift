import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateIdentityProvider, DescribeIdentityProvider, UpdateIdentityProvider, DeleteIdentityProvider,
/// ListIdentityProviders and GetIdentityProviderByIdentifier: the external providers a pool federates with.
struct IdentityProviderService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// AWS's quota of identity providers per user pool.
    static let maxPerPool = 300

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateIdentityProvider.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let name = input.providerName
            let type = input.providerType.rawValue
            if name.uppercased() == "COGNITO" { throw Errors.invalidParameter("COGNITO is the user pool itself and cannot name a provider.") }
            if ProviderDetails.social.contains(type), name != type {
                throw Errors.invalidParameter("The provider name of a \(type) identity provider must be \(type).")
            }
            if ProviderDetails.social.contains(name), name != type {
                throw Errors.invalidParameter("\(name) names the \(name) identity provider; choose another name for a \(type) provider.")
            }
            let existing = try await deps.storage.listIdentityProviders(poolID: pool.id, PageRequest(limit: Self.maxPerPool + 1)).items
            // Federated usernames are `<provider>_<subject>` in lower case: providers whose names differ only
            // in case would share their users, so the second such name is a duplicate.
            if existing.contains(where: { $0.name.lowercased() == name.lowercased() }) { throw Self.duplicate(name) }
            if existing.count >= Self.maxPerPool {
                throw CognitoError(.limitExceededException, "A user pool can have at most \(Self.maxPerPool) identity providers.")
            }
            let details = try await ProviderDetails(deps: deps).complete(input.providerDetails, type: type, pool: pool)
            let mapping = try Self.mapping(input.attributeMapping ?? [:], type: type, pool: pool)
            let identifiers = try Self.identifiers(input.idpIdentifiers ?? [])
            let now = deps.clock.now()
            let provider = IdentityProvider(
                poolID: pool.id, name: name, type: type, details: details, attributeMapping: mapping, identifiers: identifiers,
                acrMapping: try Self.acr(input.acrMapping, type: type), creationDate: now, lastModifiedDate: now)
            do {
                try await deps.storage.createIdentityProvider(provider)
            } catch StorageError.alreadyExists(let key) {
                throw key == "identifier" ? Self.identifierTaken : Self.duplicate(name)
            }
            return CreateIdentityProviderResponse(identityProvider: Self.wire(provider))
        }
        table.register(Operations.DescribeIdentityProvider.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let provider = try await StorageError.map(notFound: Self.notFound(input.providerName)) {
                try await deps.storage.identityProvider(poolID: input.userPoolId, name: input.providerName)
            }
            return DescribeIdentityProviderResponse(identityProvider: Self.wire(provider))
        }
        table.register(Operations.GetIdentityProviderByIdentifier.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let provider = try await StorageError.map(
                notFound: CognitoError(.resourceNotFoundException, "No identity provider has the identifier \(input.idpIdentifier).")
            ) {
                try await deps.storage.identityProvider(poolID: input.userPoolId, identifier: input.idpIdentifier)
            }
            return GetIdentityProviderByIdentifierResponse(identityProvider: Self.wire(provider))
        }
        table.register(Operations.UpdateIdentityProvider.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            if input.providerName.uppercased() == "COGNITO" {
                throw CognitoError(.unsupportedIdentityProviderException, "COGNITO is the user pool itself, not an identity provider.")
            }
            let current = try await StorageError.map(notFound: Self.notFound(input.providerName)) {
                try await deps.storage.identityProvider(poolID: pool.id, name: input.providerName)
            }
            // What the request gives replaces what the provider had; what it leaves out stays.
            var newDetails: [String: String]?
            if let given = input.providerDetails {
                // A secret left out of the new details is kept (the console sends details without it).
                var merged = given
                for key in IdentityProvider.secretDetails where merged[key] == nil { merged[key] = current.details[key] }
                // A SAML provider keeps its metadata when the update names none.
                if current.type == "SAML", merged["MetadataURL"] == nil, merged["MetadataFile"] == nil {
                    merged["MetadataURL"] = current.details["MetadataURL"]
                    merged["MetadataFile"] = current.details["MetadataFile"]
                }
                newDetails = try await ProviderDetails(deps: deps).complete(merged, type: current.type, pool: pool)
            }
            let details = newDetails
            let mapping = try input.attributeMapping.map { try Self.mapping($0, type: current.type, pool: pool) }
            let identifiers = try input.idpIdentifiers.map(Self.identifiers)
            let acr = try input.acrMapping.map { try Self.acr($0, type: current.type) }
            let now = deps.clock.now()
            do {
                let provider = try await deps.storage.updateIdentityProvider(poolID: pool.id, name: input.providerName) { provider in
                    if let details { provider.details = details }
                    if let mapping { provider.attributeMapping = mapping }
                    if let identifiers { provider.identifiers = identifiers }
                    if let acr { provider.acrMapping = acr }
                    provider.lastModifiedDate = now
                }
                return UpdateIdentityProviderResponse(identityProvider: Self.wire(provider))
            } catch StorageError.alreadyExists {
                throw Self.identifierTaken
            } catch StorageError.notFound {
                throw Self.notFound(input.providerName)
            }
        }
        table.register(Operations.DeleteIdentityProvider.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            if input.providerName.uppercased() == "COGNITO" {
                throw CognitoError(.unsupportedIdentityProviderException, "COGNITO is the user pool itself, not an identity provider.")
            }
            try await StorageError.map(notFound: Self.notFound(input.providerName)) {
                try await deps.storage.deleteIdentityProvider(poolID: input.userPoolId, name: input.providerName)
            }
            return .init()
        }
        table.register(Operations.ListIdentityProviders.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let limit = input.maxResults ?? 60
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listIdentityProviders(
                    poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: limit == 0 ? 60 : limit))
            }
            return ListIdentityProvidersResponse(
                providers: page.items.map {
                    ProviderDescription(
                        providerName: $0.name, providerType: IdentityProviderTypeType(rawValue: $0.type), lastModifiedDate: $0.lastModifiedDate,
                        creationDate: $0.creationDate)
                },
                nextToken: page.nextToken)
        }
    }

    static func duplicate(_ name: String) -> CognitoError {
        CognitoError(.duplicateProviderException, "A provider with the name \(name) already exists in this user pool.")
    }

    static let identifierTaken = CognitoError(.duplicateProviderException, "An IdpIdentifier is already used by another provider of this user pool.")

    static func notFound(_ name: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "Identity provider \(name) does not exist.")
    }

    /// Keys are pool attributes the pool has; Cognito maps the provider's subject to `username` itself.
    static func mapping(_ given: [String: String], type: String, pool: UserPool) throws(CognitoError) -> [String: String] {
        var mapping = given
        let known = Set(pool.schema.map(\.name))
        // sub and identities are the pool's own to write.
        for key in mapping.keys where ["sub", "identities"].contains(key) {
            throw Errors.invalidParameter("\(key) cannot be mapped: Cognito sets it.")
        }
        for key in mapping.keys where key != "username" && !known.contains(key) {
            throw Errors.invalidParameter("\(key.prefix(64)) is not an attribute of the user pool, so nothing can be mapped to it.")
        }
        if let subject = ProviderDetails.subjectClaim(type), mapping["username"] == nil { mapping["username"] = subject }
        return mapping
    }

    static func identifiers(_ given: [String]) throws(CognitoError) -> [String] {
        var seen: Set<String> = []
        for identifier in given where !seen.insert(identifier).inserted {
            throw Errors.invalidParameter("The IdpIdentifier \(identifier) is given twice.")
        }
        return given
    }

    static func acr(_ given: [String: String]?, type: String) throws(CognitoError) -> [String: String]? {
        guard let given, !given.isEmpty else { return given }
        guard type == "OIDC" else { throw Errors.invalidParameter("AcrMapping applies to OIDC identity providers only.") }
        for key in given.keys where !["Level1", "Level2", "Level3", "Level4"].contains(key) {
            throw Errors.invalidParameter("AcrMapping keys are Level1 to Level4.")
        }
        return given
    }

    static func wire(_ provider: IdentityProvider) -> IdentityProviderType {
        var details = provider.details
        // Apple's private key is never given back.
        if provider.type == "SignInWithApple" { details["private_key"] = nil }
        // What Cognate keeps for itself (a SAML provider's metadata read from its URL).
        for key in details.keys where key.hasPrefix(ProviderDetails.internalPrefix) { details[key] = nil }
        return IdentityProviderType(
            userPoolId: provider.poolID, providerName: provider.name, providerType: IdentityProviderTypeType(rawValue: provider.type),
            providerDetails: details, attributeMapping: provider.attributeMapping, idpIdentifiers: provider.identifiers,
            acrMapping: provider.acrMapping, lastModifiedDate: provider.lastModifiedDate, creationDate: provider.creationDate)
    }
}
