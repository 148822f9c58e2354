import CognitoModel
import Foundation

/// A secondary replica of a user pool in another Region (CreateUserPoolReplica): the same pool, answered
/// for requests whose Region is the replica's, with its own status and tags. The primary is the pool itself
/// (the Region its ID begins with), never a record.
public struct UserPoolReplica: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Configuration operations only: no end user is served.
        case inactive = "INACTIVE"
        /// End users sign in; nothing that creates or changes users.
        case active = "ACTIVE"
    }

    public var poolID: String
    public var region: String
    public var status: Status
    /// The replica's own tags, kept apart from the primary's.
    public var tags: [String: String]
    /// The settings AWS keeps per Region, set by UpdateUserPool in the replica's Region; nil: the primary's.
    public var lambdaConfig: LambdaConfigType?
    public var emailConfiguration: EmailConfigurationType?
    public var smsConfiguration: SmsConfigurationType?
    /// The Region's own log export (SetLogDeliveryConfiguration there); nil: the primary's.
    public var logDelivery: [LogConfigurationType]?
    /// The Region's own threat-protection notifications (SetRiskConfiguration there), by app client ID (the
    /// pool's under ""); absent: the primary's.
    public var riskNotifications: [String: NotifyConfigurationType]?
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(poolID: String, region: String, status: Status, tags: [String: String], creationDate: Date, lastModifiedDate: Date) {
        self.poolID = poolID
        self.region = region
        self.status = status
        self.tags = tags
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}

/// Replicas: at most a few per pool, all read at once; they go with their pool.
public protocol UserPoolReplicaStorage: Sendable {
    /// The pool must exist (`notFound`); a replica in the same Region: `alreadyExists`.
    func createReplica(_ replica: UserPoolReplica) async throws
    /// The pool's replicas in Region order (none: an empty list).
    func replicas(poolID: String) async throws -> [UserPoolReplica]
    /// At most `limit` replicas of every pool: what the Region gate holds in memory.
    func allReplicas(limit: Int) async throws -> [UserPoolReplica]
    @discardableResult
    func updateReplica(poolID: String, region: String, _ change: @escaping @Sendable (inout UserPoolReplica) throws -> Void) async throws
        -> UserPoolReplica
    func deleteReplica(poolID: String, region: String) async throws
}
