/// The identity providers of user pools, by pool and name. A second provider with the same name fails with
/// `alreadyExists(key: "name")`; an identifier another provider of the pool has, with
/// `alreadyExists(key: "identifier")` (on create and update alike). Listing is in name order. Deleting a
/// pool deletes its providers.
public protocol IdentityProviderStorage: Sendable {
    func createIdentityProvider(_ provider: IdentityProvider) async throws
    func identityProvider(poolID: String, name: String) async throws -> IdentityProvider
    func identityProvider(poolID: String, identifier: String) async throws -> IdentityProvider
    func listIdentityProviders(poolID: String, _ page: PageRequest) async throws -> Page<IdentityProvider>
    @discardableResult
    func updateIdentityProvider(
        poolID: String, name: String, _ change: @escaping @Sendable (inout IdentityProvider) throws -> Void
    ) async throws -> IdentityProvider
    func deleteIdentityProvider(poolID: String, name: String) async throws
}
