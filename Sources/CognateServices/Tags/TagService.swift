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
            let pool = try await pool(for: input.resourceArn)
            return ListTagsForResourceResponse(tags: pool.tags)
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

    private func pool(for arn: String) async throws -> UserPool {
        guard let id = ARN.userPoolID(in: arn) else {
            throw CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.")
        }
        let pool = try await StorageError.map(notFound: CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.")) {
            try await deps.storage.userPool(id: id)
        }
        guard pool.arn == arn else { throw CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.") }
        return pool
    }

    private func changeTags(_ arn: String, _ change: @escaping @Sendable (inout [String: String]) throws -> Void) async throws {
        let existing = try await pool(for: arn)
        try await StorageError.map(notFound: CognitoError(.resourceNotFoundException, "Resource \(arn) does not exist.")) {
            try await deps.storage.updateUserPool(id: existing.id) { try change(&$0.tags) }
        }
    }
}
