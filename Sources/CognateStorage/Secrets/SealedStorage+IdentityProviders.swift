/// Identity providers with their credentials (`client_secret`, Apple's `private_key`) sealed at rest.
extension SealedStorage {
    func sealed(_ provider: IdentityProvider) throws -> IdentityProvider {
        try transform(provider, sealer.seal)
    }

    func opened(_ provider: IdentityProvider) throws -> IdentityProvider {
        try transform(provider, sealer.open)
    }

    private func transform(_ provider: IdentityProvider, _ apply: (String) throws -> String) throws -> IdentityProvider {
        var provider = provider
        for key in IdentityProvider.secretDetails {
            if let value = provider.details[key] { provider.details[key] = try apply(value) }
        }
        return provider
    }

    public func createIdentityProvider(_ provider: IdentityProvider) async throws {
        try await inner.createIdentityProvider(try sealed(provider))
    }
    public func identityProvider(poolID: String, name: String) async throws -> IdentityProvider {
        try opened(try await inner.identityProvider(poolID: poolID, name: name))
    }
    public func identityProvider(poolID: String, identifier: String) async throws -> IdentityProvider {
        try opened(try await inner.identityProvider(poolID: poolID, identifier: identifier))
    }
    public func listIdentityProviders(poolID: String, _ page: PageRequest) async throws -> Page<IdentityProvider> {
        try opened(try await inner.listIdentityProviders(poolID: poolID, page), opened)
    }
    public func updateIdentityProvider(
        poolID: String, name: String, _ change: @escaping @Sendable (inout IdentityProvider) throws -> Void
    ) async throws -> IdentityProvider {
        try opened(try await inner.updateIdentityProvider(poolID: poolID, name: name, throughSeal(change, open: opened, seal: sealed)))
    }
    public func deleteIdentityProvider(poolID: String, name: String) async throws {
        try await inner.deleteIdentityProvider(poolID: poolID, name: name)
    }

    // Federation states hold no secret of the pool's (the PKCE verifier is single-use and short-lived).
    public func createFederationState(_ state: FederationState) async throws { try await inner.createFederationState(state) }
    public func takeFederationState(hash: String) async throws -> FederationState { try await inner.takeFederationState(hash: hash) }
}
