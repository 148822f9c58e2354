import CognateStorage
import CognateWire
import CognitoModel

/// TagResource, UntagResource, ListTagsForResource (user pools are the taggable resource), and GetCSVHeader.
struct TagService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let maxTags = 50

    func register(in table: inout OperationTable) {
        table.register(Operations.TagResource.self) { input, _ in
            try await changeTags(input.resourceArn) { tags in
                for (key, value) in input.tags { tags[key] = value }
                if tags.count > Self.maxTags {
                    throw Errors.invalidParameter("A resource can have at most \(Self.maxTags) tags.")
                }
            }
            return TagResourceResponse()
        }
        table.register(Operations.UntagResource.self) { input, _ in
            try await changeTags(input.resourceArn) { tags in
                for key in input.tagKeys { tags.removeValue(forKey: key) }
            }
            return UntagResourceResponse()
        }
        table.register(Operations.ListTagsForResource.self) { input, _ in
            return ListTagsForResourceResponse(tags: try await tags(input.resourceArn))
        }
        table.register(Operations.GetCSVHeader.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            return GetCSVHeaderResponse(userPoolId: pool.id, csvHeader: Self.csvHeader(pool))
        }
    }

    /// The columns of a user import file: standard attributes, custom ones, then Cognito's own.
    static func csvHeader(_ pool: UserPool) -> [String] {
        let standard = StandardSchema.attributes.compactMap(\.name).filter { $0 != "sub" && $0 != "identities" }
        let custom = pool.schema.compactMap(\.name).filter { $0.hasPrefix("custom:") || $0.hasPrefix("dev:") }
        return standard + custom + ["cognito:mfa_enabled", "cognito:username"]
    }

    /// The pool an ARN names, and the Region of its secondary replica when the ARN is the replica's (a
    /// replica keeps tags of its own).
    private func resource(_ arn: String) async throws -> (pool: UserPool, replicaRegion: String?) {
        let missing = CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.")
        guard let id = ARN.userPoolID(in: arn) else { throw missing }
        let pool = try await StorageError.map(notFound: missing) { try await deps.storage.userPool(id: id) }
        if pool.arn == arn { return (pool, nil) }
        guard let replica = try await deps.storage.replicas(poolID: pool.id).first(where: { UserPoolReplicas.arn(pool, region: $0.region) == arn })
        else { throw missing }
        return (pool, replica.region)
    }

    private func tags(_ arn: String) async throws -> [String: String] {
        let (pool, region) = try await resource(arn)
        guard let region else { return pool.tags }
        return try await deps.storage.replicas(poolID: pool.id).first { $0.region == region }?.tags ?? [:]
    }

    private func changeTags(_ arn: String, _ change: @escaping @Sendable (inout [String: String]) throws -> Void) async throws {
        let (existing, region) = try await resource(arn)
        try await StorageError.map(notFound: CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.")) {
            if let region {
                try await deps.storage.updateReplica(poolID: existing.id, region: region) { try change(&$0.tags) }
            } else {
                try await deps.storage.updateUserPool(id: existing.id) { try change(&$0.tags) }
            }
        }
    }
}
