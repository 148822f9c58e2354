import CognateStorage
import CognitoModel
import Foundation
import Synchronization

/// Serves a pool's secondary Region as AWS's secondary replica: around each operation (after the quotas), it
/// finds the pool the request is about and, when the request's Region is one where that pool has a secondary
/// replica, holds the operation to `ReplicaAccess` and the replica's status, and runs it with the replica's own
/// settings in `serving` (`RegionalSettings` reads them). A pool with no replica, and a request in the pool's
/// own Region, pass as before. Replicas are read from storage at most once a second, so a replica changed on
/// another node takes effect here within a second.
public final class ReplicaGate: Sendable {
    let storage: any Storage
    let clock: any Clock
    private let snapshot = Mutex<Snapshot?>(nil)
    static let refreshInterval: TimeInterval = 1
    /// Replicas held in memory at most (every pool's; one secondary each).
    static let maxReplicas = 100_000

    /// The secondary replica whose Region is serving the current request, if any.
    @TaskLocal public static var serving: UserPoolReplica?

    struct Snapshot {
        var read: Date
        /// Pool ID → Region → replica.
        var replicas: [String: [String: UserPoolReplica]]
    }

    public init(storage: any Storage, clock: any Clock) {
        self.storage = storage
        self.clock = clock
    }

    /// Runs `run` as the request's Region serves it: refused there, or with that Region's replica in `serving`.
    public func serve(_ operation: CognitoOperation, body: Data, region: String, _ run: () async throws -> [UInt8]) async throws -> [UInt8] {
        guard let replica = try await secondary(body: body, region: region) else { return try await run() }
        try Self.check(operation, replica)
        return try await Self.$serving.withValue(replica) { try await run() }
    }

    /// The secondary replica a request in `region` is served by: nil for a pool without one there.
    func secondary(body: Data, region: String) async throws -> UserPoolReplica? {
        let replicas = try await current()
        guard !replicas.isEmpty, let poolID = try await poolID(body), UserPoolReplicas.primaryRegion(poolID) != region else { return nil }
        return replicas[poolID]?[region]
    }

    /// The secondary replica of `poolID` in `region`, for the web side (which has no request body to read).
    public func secondary(poolID: String, region: String) async throws -> UserPoolReplica? {
        guard UserPoolReplicas.primaryRegion(poolID) != region else { return nil }
        return try await current()[poolID]?[region]
    }

    static func check(_ operation: CognitoOperation, _ replica: UserPoolReplica) throws(CognitoError) {
        switch ReplicaAccess(operation) {
        case .administration:
            return
        case .signIn where replica.status == .active:
            return
        case .signIn:
            throw inactive(replica)
        case .primaryOnly:
            throw CognitoError(
                .operationNotEnabledException,
                "\(operation.rawValue) is not enabled in \(replica.region), a secondary Region of user pool \(replica.poolID): call it in the primary Region, \(UserPoolReplicas.primaryRegion(replica.poolID))."
            )
        }
    }

    static func inactive(_ replica: UserPoolReplica) -> CognitoError {
        CognitoError(
            .operationNotEnabledException,
            "The replica of user pool \(replica.poolID) in \(replica.region) is INACTIVE and serves no end users until UpdateUserPoolReplica sets it ACTIVE."
        )
    }

    /// A change made through this node: seen at once here.
    func forget() {
        snapshot.withLock { $0 = nil }
    }

    private func current() async throws -> [String: [String: UserPoolReplica]] {
        let now = clock.now()
        if let held = snapshot.withLock({ $0 }), abs(now.timeIntervalSince(held.read)) < Self.refreshInterval { return held.replicas }
        var replicas: [String: [String: UserPoolReplica]] = [:]
        for replica in try await storage.allReplicas(limit: Self.maxReplicas) {
            replicas[replica.poolID, default: [:]][replica.region] = replica
        }
        snapshot.withLock { $0 = Snapshot(read: now, replicas: replicas) }
        return replicas
    }

    /// The pool a request is about: its UserPoolId, its resource ARN's, its app client's, or its access token's
    /// issuer's (read, not verified: the operation verifies the token; a forged issuer only names a pool the
    /// token will not pass in).
    func poolID(_ body: Data) async throws -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        if let pool = object["UserPoolId"] as? String { return String(pool.prefix(64)) }
        if let arn = object["ResourceArn"] as? String, let range = arn.range(of: ":userpool/") { return String(arn[range.upperBound...].prefix(64)) }
        if let clientID = object["ClientId"] as? String, clientID.utf8.count <= 128 {
            return try await StorageError.ifPresent { try await storage.appClient(clientID: clientID) }?.poolID
        }
        if let token = object["AccessToken"] as? String, let issuer = Self.issuer(token), let slash = issuer.lastIndex(of: "/") {
            return String(issuer[issuer.index(after: slash)...].prefix(64))
        }
        return nil
    }

    static func issuer(_ token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count <= 16_384 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.utf8.count % 4 != 0 { payload += "=" }
        guard let data = Data(base64Encoded: payload), let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return nil
        }
        return claims["iss"] as? String
    }
}
