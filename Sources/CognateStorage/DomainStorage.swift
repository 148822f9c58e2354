/// The domains of user pools. Domain names are unique across pools, and a pool has at most one domain
/// of each kind (`alreadyExists` otherwise). Deleting a pool deletes its domains.
public protocol DomainStorage: Sendable {
    func createDomain(_ domain: UserPoolDomain) async throws
    func domain(name: String) async throws -> UserPoolDomain
    /// The pool's domains, prefix first.
    func domains(poolID: String) async throws -> [UserPoolDomain]
    @discardableResult
    func updateDomain(name: String, _ change: @escaping @Sendable (inout UserPoolDomain) throws -> Void) async throws -> UserPoolDomain
    func deleteDomain(name: String) async throws
}
