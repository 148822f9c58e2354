import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateUserPoolReplica, ListUserPoolReplicas, UpdateUserPoolReplica and DeleteUserPoolReplica: a pool served
/// from a second Region under the same ID. The replica's Region is the Region of the requests it answers —
/// a request's SigV4 scope, else the Region of AWS's host name it was sent to, else the node's `--region` —
/// and `ReplicaGate` holds them to what a secondary replica does. Creation is immediate here, so a new replica is INACTIVE at once (AWS's CREATING is passed
/// through in no time), and a deleted one is gone once DeleteUserPoolReplica answers DELETING.
struct UserPoolReplicas {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// "At most one secondary replica in an additional Region per user directory".
    static let maxSecondaries = 1

    /// The Region a pool was created in: the part of its ID before the underscore.
    static func primaryRegion(_ poolID: String) -> String {
        poolID.split(separator: "_", maxSplits: 1).first.map(String.init) ?? poolID
    }

    /// A replica's ARN: the pool's, in the replica's Region, with the same pool ID (AWS's example).
    static func arn(_ pool: UserPool, region: String) -> String {
        var parts = pool.arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 4 { parts[3] = region }
        return parts.joined(separator: ":")
    }

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateUserPoolReplica.self) { input, context in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try Self.requirePrimary(pool, context, "CreateUserPoolReplica")
            try Self.checkPrerequisites(pool)
            let region = try Self.checkRegion(input.regionName, pool: pool)
            let tags = input.userPoolTags ?? [:]
            guard tags.count <= 50 else { throw Errors.invalidParameter("A user pool replica can have at most 50 tags.") }
            let existing = try await deps.storage.replicas(poolID: pool.id)
            if existing.contains(where: { $0.region == region }) {
                throw Errors.invalidParameter("User pool \(pool.id) already has a replica in \(region).")
            }
            guard existing.count < Self.maxSecondaries else {
                throw CognitoError(.limitExceededException, "A user pool can have at most one secondary replica.")
            }
            let now = deps.clock.now()
            let replica = UserPoolReplica(poolID: pool.id, region: region, status: .inactive, tags: tags, creationDate: now, lastModifiedDate: now)
            do {
                try await deps.storage.createReplica(replica)
            } catch StorageError.alreadyExists {
                throw Errors.invalidParameter("User pool \(pool.id) already has a replica in \(region).")
            }
            deps.replicas?.forget()
            return CreateUserPoolReplicaResponse(userPoolReplica: Self.wire(replica, pool: pool))
        }
        table.register(Operations.ListUserPoolReplicas.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            // Every replica fits one page: a token, which this never gives, is not one of its own.
            if input.nextToken != nil { throw Errors.invalidToken }
            let primary = UserPoolReplicaType(regionName: Self.primaryRegion(pool.id), status: .active, role: .primary, userPoolArn: pool.arn)
            let secondaries = try await deps.storage.replicas(poolID: pool.id).map { Self.wire($0, pool: pool) }
            return ListUserPoolReplicasResponse(userPoolReplicas: [primary] + secondaries)
        }
        table.register(Operations.UpdateUserPoolReplica.self) { input, _ in
            // Allowed from the primary and from the secondary Region alike, as AWS documents.
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            if input.regionName == Self.primaryRegion(pool.id) {
                throw Errors.invalidParameter("\(input.regionName) is the primary Region of user pool \(pool.id): its status does not change.")
            }
            let status: UserPoolReplica.Status
            switch input.status {
            case .active: status = .active
            case .inactive: status = .inactive
            default: throw Errors.invalidParameter("Status must be ACTIVE or INACTIVE.")
            }
            let now = deps.clock.now()
            let replica = try await StorageError.map(notFound: Self.noReplica(pool.id, input.regionName)) {
                try await deps.storage.updateReplica(poolID: pool.id, region: input.regionName) { replica in
                    replica.status = status
                    replica.lastModifiedDate = now
                }
            }
            deps.replicas?.forget()
            return UpdateUserPoolReplicaResponse(userPoolReplica: Self.wire(replica, pool: pool))
        }
        table.register(Operations.DeleteUserPoolReplica.self) { input, context in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try Self.requirePrimary(pool, context, "DeleteUserPoolReplica")
            guard let replica = try await deps.storage.replicas(poolID: pool.id).first(where: { $0.region == input.regionName }) else {
                throw Self.noReplica(pool.id, input.regionName)
            }
            guard replica.status == .inactive else {
                throw Errors.invalidParameter(
                    "Only an INACTIVE replica can be deleted: set the replica in \(replica.region) INACTIVE with UpdateUserPoolReplica first.")
            }
            try await StorageError.map(notFound: Self.noReplica(pool.id, input.regionName)) {
                try await deps.storage.deleteReplica(poolID: pool.id, region: replica.region)
            }
            deps.replicas?.forget()
            var answer = Self.wire(replica, pool: pool)
            answer.status = .deleting
            return DeleteUserPoolReplicaResponse(userPoolReplica: answer)
        }
    }

    static func wire(_ replica: UserPoolReplica, pool: UserPool) -> UserPoolReplicaType {
        UserPoolReplicaType(
            regionName: replica.region, status: ReplicaStatusType(rawValue: replica.status.rawValue), role: .secondary,
            userPoolArn: arn(pool, region: replica.region))
    }

    static func noReplica(_ poolID: String, _ region: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "User pool \(poolID) has no replica in \(region).")
    }

    /// Creating and deleting replicas is the primary Region's.
    static func requirePrimary(_ pool: UserPool, _ context: OperationContext, _ operation: String) throws(CognitoError) {
        let primary = primaryRegion(pool.id)
        guard context.region == primary else {
            throw CognitoError(
                .operationNotEnabledException, "\(operation) must be called in the primary Region of user pool \(pool.id), \(primary).")
        }
    }

    /// AWS's prerequisites: the Essentials or Plus plan, a multi-Region customer managed key, and the
    /// multi-Region issuer.
    static func checkPrerequisites(_ pool: UserPool) throws(CognitoError) {
        if pool.settings.userPoolTier == .lite {
            throw CognitoError(.featureUnavailableInTierException, "Multi-Region replication is not available in the Lite tier.")
        }
        guard let key = pool.settings.keyConfiguration, key.keyType == .customerManagedKey, let arn = key.kmsKeyArn, arn.contains(":key/mrk-")
        else {
            throw Errors.invalidParameter(
                "Multi-Region replication needs a multi-Region customer managed key: set KeyConfiguration with KeyType CUSTOMER_MANAGED_KEY and the ARN of a multi-Region key (key/mrk-…)."
            )
        }
        guard pool.settings.issuerConfiguration?.type == .updated else {
            throw Errors.invalidParameter("Multi-Region replication needs the multi-Region issuer: set IssuerConfiguration Type to UPDATED.")
        }
    }

    /// A Region name in AWS's form (`us-west-2`, `ap-southeast-1`, `us-gov-west-1`) other than the primary's.
    static func checkRegion(_ name: String, pool: UserPool) throws(CognitoError) -> String {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }),
            let last = parts.last, !last.isEmpty, last.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw Errors.invalidParameter("\(name) is not a Region name.") }
        guard name != primaryRegion(pool.id) else {
            throw Errors.invalidParameter("\(name) is the primary Region of user pool \(pool.id); a replica goes to another Region.")
        }
        return name
    }

    /// UpdateUserPool in a secondary Region: it sets the settings AWS keeps per Region — LambdaConfig,
    /// EmailConfiguration and SmsConfiguration, each returning to the primary's when left out — and takes the
    /// others only as the primary has them (KeyConfiguration and IssuerConfiguration "must match"; the rest are
    /// the primary's to change).
    func updateRegionalSettings(_ input: UpdateUserPoolRequest, replica: UserPoolReplica) async throws -> UpdateUserPoolResponse {
        let pool = try await UserPoolService(deps).load(input.userPoolId)
        if let key = input.keyConfiguration, key != pool.settings.keyConfiguration {
            throw Errors.invalidParameter("In a secondary Region, KeyConfiguration must match the primary's.")
        }
        if let issuer = input.issuerConfiguration, issuer != pool.settings.issuerConfiguration {
            throw Errors.invalidParameter("In a secondary Region, IssuerConfiguration must match the primary's.")
        }
        var shared = input
        (shared.lambdaConfig, shared.emailConfiguration, shared.smsConfiguration) = (nil, nil, nil)
        (shared.keyConfiguration, shared.issuerConfiguration) = (nil, nil)
        if shared != UpdateUserPoolRequest(userPoolId: input.userPoolId) {
            throw Errors.invalidParameter(
                "In \(replica.region), a secondary Region of user pool \(pool.id), UpdateUserPool sets only the Region's own LambdaConfig, EmailConfiguration and SmsConfiguration; the other settings are changed in the primary Region, \(Self.primaryRegion(pool.id))."
            )
        }
        if let config = input.lambdaConfig { try AWSARN.check(config) }
        let now = deps.clock.now()
        try await StorageError.map(notFound: Self.noReplica(pool.id, replica.region)) {
            try await deps.storage.updateReplica(poolID: pool.id, region: replica.region) { replica in
                replica.lambdaConfig = input.lambdaConfig
                replica.emailConfiguration = input.emailConfiguration
                replica.smsConfiguration = input.smsConfiguration
                replica.lastModifiedDate = now
            }
        }
        deps.replicas?.forget()
        return UpdateUserPoolResponse()
    }
}
