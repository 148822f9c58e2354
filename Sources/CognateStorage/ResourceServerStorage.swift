/// The resource servers of user pools, by pool and identifier (`alreadyExists` for a second one with the
/// same identifier). Listing is in identifier order. Deleting a pool deletes its resource servers.
public protocol ResourceServerStorage: Sendable {
    func createResourceServer(_ server: ResourceServer) async throws
    func resourceServer(poolID: String, identifier: String) async throws -> ResourceServer
    func listResourceServers(poolID: String, _ page: PageRequest) async throws -> Page<ResourceServer>
    @discardableResult
    func updateResourceServer(
        poolID: String, identifier: String, _ change: @escaping @Sendable (inout ResourceServer) throws -> Void
    ) async throws -> ResourceServer
    func deleteResourceServer(poolID: String, identifier: String) async throws
}
