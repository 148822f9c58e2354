import CognateStorage
import CognateWire
import CognitoModel

/// CreateResourceServer, DescribeResourceServer, UpdateResourceServer, DeleteResourceServer and
/// ListResourceServers: the APIs of a pool whose custom scopes (`identifier/scope`) app clients may be
/// granted, and which the client-credentials grant issues.
struct ResourceServerService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// AWS's quota of resource servers per user pool.
    static let maxPerPool = 25

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateResourceServer.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let scopes = try Self.checkScopes(input.scopes ?? [])
            let existing = try await deps.storage.listResourceServers(poolID: pool.id, PageRequest(limit: Self.maxPerPool + 1)).items
            if existing.contains(where: { $0.identifier == input.identifier }) { throw Self.exists(input.identifier, pool.id) }
            if existing.count >= Self.maxPerPool {
                throw CognitoError(.limitExceededException, "A user pool can have at most \(Self.maxPerPool) resource servers.")
            }
            let server = ResourceServer(poolID: pool.id, identifier: input.identifier, name: input.name, scopes: scopes)
            do {
                try await deps.storage.createResourceServer(server)
            } catch StorageError.alreadyExists {
                throw Self.exists(input.identifier, pool.id)
            }
            return CreateResourceServerResponse(resourceServer: Self.wire(server))
        }
        table.register(Operations.DescribeResourceServer.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let server = try await StorageError.map(notFound: Self.notFound(input.identifier)) {
                try await deps.storage.resourceServer(poolID: input.userPoolId, identifier: input.identifier)
            }
            return DescribeResourceServerResponse(resourceServer: Self.wire(server))
        }
        table.register(Operations.UpdateResourceServer.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let scopes = try Self.checkScopes(input.scopes ?? [])
            // As AWS documents: what the request leaves out returns to its default (no scopes).
            let server = try await StorageError.map(notFound: Self.notFound(input.identifier)) {
                try await deps.storage.updateResourceServer(poolID: input.userPoolId, identifier: input.identifier) { server in
                    server.name = input.name
                    server.scopes = scopes
                }
            }
            return UpdateResourceServerResponse(resourceServer: Self.wire(server))
        }
        table.register(Operations.DeleteResourceServer.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            try await StorageError.map(notFound: Self.notFound(input.identifier)) {
                try await deps.storage.deleteResourceServer(poolID: input.userPoolId, identifier: input.identifier)
            }
            return .init()
        }
        table.register(Operations.ListResourceServers.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listResourceServers(
                    poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: input.maxResults ?? 50))
            }
            return ListResourceServersResponse(resourceServers: page.items.map(Self.wire), nextToken: page.nextToken)
        }
    }

    static func exists(_ identifier: String, _ poolID: String) -> CognitoError {
        Errors.invalidParameter("\(identifier) already exists in user pool \(poolID).")
    }

    static func notFound(_ identifier: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "Resource server \(identifier) does not exist.")
    }

    /// Scope names are unique within a server.
    static func checkScopes(_ scopes: [ResourceServerScopeType]) throws(CognitoError) -> [ResourceServerScopeType] {
        var seen: Set<String> = []
        for scope in scopes where !seen.insert(scope.scopeName).inserted {
            throw Errors.invalidParameter("The scope \(scope.scopeName) is given twice.")
        }
        return scopes
    }

    static func wire(_ server: ResourceServer) -> ResourceServerType {
        ResourceServerType(userPoolId: server.poolID, identifier: server.identifier, name: server.name, scopes: server.scopes)
    }

    /// Every custom scope the pool's resource servers define, as clients name them.
    static func customScopes(_ deps: ServiceDependencies, poolID: String) async throws -> Set<String> {
        let servers = try await deps.storage.listResourceServers(poolID: poolID, PageRequest(limit: maxPerPool + 1)).items
        return Set(servers.flatMap(\.scopeNames))
    }
}
