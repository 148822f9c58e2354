import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateCIMDPolicy, DescribeCIMDPolicy, ListCIMDPolicies, UpdateCIMDPolicy, DeleteCIMDPolicy,
/// ListClientMetadataURLs and UpdateClientMetadataURLState: the policies that let OAuth clients name
/// themselves by the https URL of a client ID metadata document, and the documents cached for them.
struct CIMDPolicyService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// Policies a pool may have (LimitExceededException past it; AWS's number is not documented).
    static let maxPerPool = 20
    static let defaultCacheDuration = 86_400

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateCIMDPolicy.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try Self.checkTier(pool)
            try await requireClient(input.clientId, pool: pool)
            let patterns = try Self.checkPatterns(input.urlPatterns)
            let existing = try await MetadataClients(deps: deps).poolPolicies(pool.id)
            guard existing.count < Self.maxPerPool else {
                throw CognitoError(.limitExceededException, "A user pool can have at most \(Self.maxPerPool) CIMD policies.")
            }
            let now = deps.clock.now()
            let policy = CIMDPolicy(
                poolID: pool.id, policyID: Identifiers(random: deps.random).cimdPolicyID(), clientID: input.clientId, name: input.policyName,
                cacheDuration: input.cacheDuration ?? Self.defaultCacheDuration, urlPatterns: patterns, creationDate: now, lastModifiedDate: now)
            try await deps.storage.createCIMDPolicy(policy)
            return CreateCIMDPolicyResponse(cimdPolicy: try await wire(policy))
        }
        table.register(Operations.DescribeCIMDPolicy.self) { input, _ in
            let policy = try await load(input.userPoolId, input.cimdPolicyId)
            return DescribeCIMDPolicyResponse(cimdPolicy: try await wire(policy))
        }
        table.register(Operations.ListCIMDPolicies.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listCIMDPolicies(poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: input.maxResults ?? 60))
            }
            var summaries: [CIMDPolicySummaryType] = []
            for policy in page.items {
                summaries.append(
                    CIMDPolicySummaryType(
                        cimdPolicyId: policy.policyID, clientId: try await liveClient(policy), policyName: policy.name,
                        cacheDuration: policy.cacheDuration, creationDate: policy.creationDate, lastModifiedDate: policy.lastModifiedDate))
            }
            return ListCIMDPoliciesResponse(nextToken: page.nextToken, cimdPolicies: summaries)
        }
        table.register(Operations.UpdateCIMDPolicy.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try Self.checkTier(pool)
            _ = try await load(input.userPoolId, input.cimdPolicyId)
            try await requireClient(input.clientId, pool: pool)
            let patterns = try Self.checkPatterns(input.urlPatterns)
            let now = deps.clock.now()
            // ClientId and URLPatterns are required and replaced; a name or duration left out is kept.
            let policy = try await StorageError.map(notFound: Self.notFound(input.cimdPolicyId)) {
                try await deps.storage.updateCIMDPolicy(poolID: pool.id, policyID: input.cimdPolicyId) { policy in
                    policy.clientID = input.clientId
                    policy.urlPatterns = patterns
                    if let name = input.policyName { policy.name = name }
                    if let duration = input.cacheDuration { policy.cacheDuration = duration }
                    policy.lastModifiedDate = now
                }
            }
            return UpdateCIMDPolicyResponse(cimdPolicy: try await wire(policy))
        }
        table.register(Operations.DeleteCIMDPolicy.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            try await StorageError.map(notFound: Self.notFound(input.cimdPolicyId)) {
                try await deps.storage.deleteCIMDPolicy(poolID: input.userPoolId, policyID: input.cimdPolicyId)
            }
            return .init()
        }
        table.register(Operations.ListClientMetadataURLs.self) { input, _ in
            let policy = try await load(input.userPoolId, input.cimdPolicyId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listClientMetadata(
                    poolID: policy.poolID, policyID: policy.policyID, PageRequest(token: input.nextToken, limit: input.maxResults ?? 60))
            }
            return ListClientMetadataURLsResponse(
                nextToken: page.nextToken,
                clientMetadataURLs: page.items.map {
                    ClientMetadataURLType(url: $0.url, cachedDate: $0.cachedDate, expirationDate: $0.expirationDate)
                }
            )
        }
        table.register(Operations.UpdateClientMetadataURLState.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try Self.checkTier(pool)
            let policy = try await load(input.userPoolId, input.cimdPolicyId)
            let notCached = CognitoError(
                .cachedCIMDURLDoesNotExistException, "No client metadata document is cached for \(input.url) under CIMD policy \(policy.policyID).")
            guard
                (try await StorageError.ifPresent {
                    try await deps.storage.clientMetadata(poolID: pool.id, policyID: policy.policyID, url: input.url)
                })
                    != nil
            else { throw notCached }
            switch input.action {
            case .invalidate:
                try await StorageError.map(notFound: notCached) {
                    try await deps.storage.deleteClientMetadata(poolID: pool.id, policyID: policy.policyID, url: input.url)
                }
            case .refresh:
                // Fetched again now; a document that no longer passes leaves the cached one as it was.
                if case .failure(let refusal) = try await MetadataClients(deps: deps).fetch(input.url, policy: policy) {
                    throw Errors.invalidParameter("The client metadata document at \(input.url) could not be refreshed: \(refusal.reason).")
                }
            default:
                throw Errors.invalidParameter("Action must be REFRESH or INVALIDATE.")
            }
            return .init()
        }
    }

    func load(_ poolID: String, _ policyID: String) async throws -> CIMDPolicy {
        _ = try await UserPoolService(deps).load(poolID)
        return try await StorageError.map(notFound: Self.notFound(policyID)) { try await deps.storage.cimdPolicy(poolID: poolID, policyID: policyID) }
    }

    func requireClient(_ clientID: String, pool: UserPool) async throws {
        _ = try await StorageError.map(notFound: Errors.clientNotFound(clientID)) {
            try await deps.storage.appClient(poolID: pool.id, clientID: clientID)
        }
    }

    /// The policy's client ID while that client exists; AWS omits it once the client is deleted.
    func liveClient(_ policy: CIMDPolicy) async throws -> String? {
        try await StorageError.ifPresent { try await deps.storage.appClient(poolID: policy.poolID, clientID: policy.clientID) }?.clientID
    }

    func wire(_ policy: CIMDPolicy) async throws -> CIMDPolicyType {
        CIMDPolicyType(
            userPoolId: policy.poolID, cimdPolicyId: policy.policyID, clientId: try await liveClient(policy), policyName: policy.name,
            cacheDuration: policy.cacheDuration, urlPatterns: policy.urlPatterns, creationDate: policy.creationDate,
            lastModifiedDate: policy.lastModifiedDate)
    }

    static func notFound(_ policyID: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "CIMD policy \(policyID) does not exist.")
    }

    /// CIMD is a feature of the Essentials and Plus plans, as dynamic client registration is.
    static func checkTier(_ pool: UserPool) throws(CognitoError) {
        if pool.settings.userPoolTier == .lite {
            throw CognitoError(.featureUnavailableInTierException, "Client ID metadata documents (CIMD) are not available in the Lite tier.")
        }
    }

    /// Each pattern beyond the model's constraints; the same pattern twice is one mistake.
    static func checkPatterns(_ patterns: [String]) throws(CognitoError) -> [String] {
        for pattern in patterns { _ = try MetadataURLPattern(checking: pattern) }
        guard Set(patterns).count == patterns.count else { throw Errors.invalidParameter("URLPatterns contains the same pattern twice.") }
        return patterns
    }
}
