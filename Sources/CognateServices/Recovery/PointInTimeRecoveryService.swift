import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import Logging

/// InitiatePointInTimeRecovery, DescribePointInTimeRecovery, ListPointInTimeRecoveries,
/// StartPointInTimeRecovery and CancelPointInTimeRecovery: a pool's user data taken back to a point in the
/// past from the journal storage keeps of every change to it (see `PointInTimeRecoveryStorage`).
///
/// Initiate pauses writes to user data at once and counts the preview in the background (PREVIEW_GENERATING,
/// then PREVIEW_GENERATED); Start restores in the background (RESTORING, then RESTORE_COMPLETED, in one
/// transaction); Cancel and 24 hours without Start end the pause with nothing changed. Work a node began and
/// did not finish (it stopped) is finished by the next read of the recovery, on any node.
struct PointInTimeRecoveryService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// "The recovery point must be at least 15 minutes in the past".
    static let minimumAge: TimeInterval = 15 * 60
    /// How far back each plan recovers: 1 day on Essentials, 14 on Plus.
    static func window(_ tier: UserPoolTierType?) -> TimeInterval {
        tier == .plus ? 14 * 86_400 : 86_400
    }
    /// AWS's counting limits.
    static let maxActivePerAccount = 5
    static let maxPreviewsPerPoolPerDay = 3
    static let maxPreviewsPerAccountPerDay = 10
    static let maxPreviewsPerPoolPer30Days = 10
    static let maxCompletedPerPoolPerDay = 1
    /// Background work older than this, still unfinished, was lost with its node: the next read finishes it.
    static let lostWorkAge: TimeInterval = 30

    func register(in table: inout OperationTable) {
        table.register(Operations.InitiatePointInTimeRecovery.self) { input, _ in
            let pool = try await load(input.userPoolId)
            let recovery = try await initiate(pool, point: input.restoreTimestamp)
            return InitiatePointInTimeRecoveryResponse(restoration: Self.wire(recovery))
        }
        table.register(Operations.DescribePointInTimeRecovery.self) { input, _ in
            let pool = try await load(input.userPoolId)
            let recovery = try await settle(try await find(pool.id, input.restoreId))
            return DescribePointInTimeRecoveryResponse(restoration: Self.wire(recovery))
        }
        table.register(Operations.ListPointInTimeRecoveries.self) { input, _ in
            let pool = try await load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.poolNotFound(pool.id)) {
                try await deps.storage.listRecoveries(poolID: pool.id, PageRequest(token: input.nextToken, limit: input.maxResults ?? 60))
            }
            var summaries: [RestorationDescriptionType] = []
            for recovery in page.items {
                let settled = try await settle(recovery)
                summaries.append(
                    RestorationDescriptionType(
                        restoreId: settled.restoreID, restoreStatus: RestoreStatusType(rawValue: settled.status.rawValue),
                        restoreTimestamp: settled.restoreTimestamp))
            }
            return ListPointInTimeRecoveriesResponse(restorations: summaries, nextToken: page.nextToken)
        }
        table.register(Operations.StartPointInTimeRecovery.self) { input, _ in
            let pool = try await load(input.userPoolId)
            let found = try await settle(try await find(pool.id, input.restoreId))
            try Self.require(found, in: [.previewGenerated], to: "start")
            let now = deps.clock.now()
            let started = try await deps.storage.updateRecovery(poolID: pool.id, restoreID: found.restoreID) { recovery in
                try Self.require(recovery, in: [.previewGenerated], to: "start")
                guard now < recovery.expiresAt else { throw Self.wrongStatus(recovery, .previewExpired, to: "start") }
                recovery.status = .restoring
                recovery.startedAt = now
            }
            inBackground { try await restore(started) }
            return StartPointInTimeRecoveryResponse(restoration: Self.wire(started))
        }
        table.register(Operations.CancelPointInTimeRecovery.self) { input, _ in
            let pool = try await load(input.userPoolId)
            let found = try await settle(try await find(pool.id, input.restoreId))
            try Self.require(found, in: [.previewGenerating, .previewGenerated], to: "cancel")
            let cancelled = try await deps.storage.updateRecovery(poolID: pool.id, restoreID: found.restoreID) { recovery in
                try Self.require(recovery, in: [.previewGenerating, .previewGenerated], to: "cancel")
                recovery.status = .previewCancelled
                recovery.preview = nil
            }
            return CancelPointInTimeRecoveryResponse(restoration: Self.wire(cancelled))
        }
    }

    /// The pool, on a plan that has point-in-time recovery, on a server that keeps the journal.
    func load(_ poolID: String) async throws -> UserPool {
        let pool = try await UserPoolService(deps).load(poolID)
        if pool.settings.userPoolTier == .lite {
            throw CognitoError(
                .featureUnavailableInTierException, "Point-in-time recovery is not available in the Lite tier: it needs the Essentials or Plus tier.")
        }
        guard deps.storage.recoveryJournalEnabled else {
            throw CognitoError(
                .operationNotEnabledException,
                "Point-in-time recovery is off on this server: it runs without the recovery journal (--recovery-journal off).")
        }
        return pool
    }

    func find(_ poolID: String, _ restoreID: String) async throws -> PointInTimeRecovery {
        try await StorageError.map(notFound: CognitoError(.resourceNotFoundException, "Recovery \(restoreID) does not exist in user pool \(poolID)."))
        {
            try await deps.storage.recovery(poolID: poolID, restoreID: restoreID)
        }
    }

    // MARK: Initiate

    func initiate(_ pool: UserPool, point: Date) async throws -> PointInTimeRecovery {
        let now = deps.clock.now()
        guard point <= now.addingTimeInterval(-Self.minimumAge) else {
            throw Errors.invalidParameter("The recovery point must be at least 15 minutes in the past.")
        }
        guard point >= pool.creationDate else {
            throw Errors.invalidParameter("The recovery point can't be earlier than the creation time of user pool \(pool.id).")
        }
        let window = Self.window(pool.settings.userPoolTier)
        if point < now.addingTimeInterval(-window) {
            if pool.settings.userPoolTier != .plus && point >= now.addingTimeInterval(-Self.window(.plus)) {
                throw CognitoError(
                    .featureUnavailableInTierException,
                    "With the Essentials feature plan, a user pool recovers to a point up to 1 day in the past; the Plus feature plan goes back 14 days."
                )
            }
            throw Errors.invalidParameter(
                "The recovery point is further back than the \(pool.settings.userPoolTier == .plus ? "14 days" : "1 day") the user pool's feature plan recovers."
            )
        }
        if try await deps.storage.hasActiveUserImportJob(poolID: pool.id) {
            throw CognitoError(
                .concurrentModificationException,
                "A user import job is in progress in user pool \(pool.id): wait for it to end, or stop it, then initiate the recovery.")
        }
        try await checkLimits(pool, now: now)
        let recovery = PointInTimeRecovery(
            poolID: pool.id, restoreID: deps.random.uuid(), status: .previewGenerating, restoreTimestamp: point, triggerTimestamp: now)
        do {
            try await deps.storage.createRecovery(recovery)
        } catch StorageError.alreadyExists {
            throw Self.oneActive(pool.id)
        } catch StorageError.notFound {
            throw Errors.poolNotFound(pool.id)
        }
        inBackground { try await generate(recovery) }
        return recovery
    }

    static func oneActive(_ poolID: String) -> CognitoError {
        CognitoError(.limitExceededException, "User pool \(poolID) already has an active recovery: a user pool can have only one at a time.")
    }

    /// AWS's counts: active recoveries of the pool and of the account, previews a day and a month, and
    /// completed recoveries a day.
    func checkLimits(_ pool: UserPool, now: Date) async throws {
        let recent = try await deps.storage.recoveries(since: now.addingTimeInterval(-30 * 86_400))
        let day = now.addingTimeInterval(-86_400)
        let ofPool = recent.filter { $0.poolID == pool.id }
        if ofPool.contains(where: { $0.pausesWrites(at: now) }) { throw Self.oneActive(pool.id) }
        if recent.filter({ $0.pausesWrites(at: now) }).count >= Self.maxActivePerAccount {
            throw CognitoError(
                .limitExceededException, "The account has \(Self.maxActivePerAccount) active recoveries, as many as it can have at a time.")
        }
        if ofPool.filter({ ($0.completedAt ?? .distantPast) > day }).count >= Self.maxCompletedPerPoolPerDay {
            throw CognitoError(
                .limitExceededException,
                "User pool \(pool.id) completed a recovery in the last 24 hours: one recovery of a user pool completes in a 24-hour period.")
        }
        if ofPool.filter({ $0.triggerTimestamp > day }).count >= Self.maxPreviewsPerPoolPerDay {
            throw CognitoError(
                .limitExceededException,
                "User pool \(pool.id) has had \(Self.maxPreviewsPerPoolPerDay) recovery previews in the last 24 hours, as many as it can.")
        }
        if recent.filter({ $0.triggerTimestamp > day }).count >= Self.maxPreviewsPerAccountPerDay {
            throw CognitoError(
                .limitExceededException,
                "The account has had \(Self.maxPreviewsPerAccountPerDay) recovery previews in the last 24 hours, as many as it can.")
        }
        if ofPool.count >= Self.maxPreviewsPerPoolPer30Days {
            throw CognitoError(
                .limitExceededException,
                "User pool \(pool.id) has had \(Self.maxPreviewsPerPoolPer30Days) recovery previews in the last 30 days, as many as it can.")
        }
    }

    // MARK: The work in the background, and its settling on read

    /// Runs `work` after the answer; a failure is logged, and the next read settles what it left.
    private func inBackground(_ work: @escaping @Sendable () async throws -> Void) {
        let logger = deps.logger
        Task {
            do {
                try await work()
            } catch {
                logger.error("Point-in-time recovery work failed: \(error)")
            }
        }
    }

    /// Counts the preview and records it, if the recovery still waits for one.
    @discardableResult
    func generate(_ recovery: PointInTimeRecovery) async throws -> PointInTimeRecovery {
        let counts: [RecoveryCount]
        do {
            counts = try await deps.storage.recoveryPreview(
                poolID: recovery.poolID, point: recovery.restoreTimestamp, through: recovery.triggerTimestamp)
        } catch StorageError.unavailable(let reason) {
            throw StorageError.unavailable(reason)
        } catch {
            deps.logger.error("The preview of recovery \(recovery.restoreID) could not be generated: \(error)")
            return try await deps.storage.updateRecovery(poolID: recovery.poolID, restoreID: recovery.restoreID) { stored in
                if stored.status == .previewGenerating { stored.status = .previewGenerationFailed }
            }
        }
        return try await deps.storage.updateRecovery(poolID: recovery.poolID, restoreID: recovery.restoreID) { stored in
            guard stored.status == .previewGenerating else { return }
            stored.status = .previewGenerated
            stored.preview = counts
        }
    }

    /// Restores the pool's user data, if the recovery is still RESTORING.
    @discardableResult
    func restore(_ recovery: PointInTimeRecovery) async throws -> PointInTimeRecovery {
        let restored = try await deps.storage.applyRecovery(poolID: recovery.poolID, restoreID: recovery.restoreID, now: deps.clock.now())
        deps.logger.notice("Recovery \(recovery.restoreID) of user pool \(recovery.poolID) restored its user data to \(recovery.restoreTimestamp)")
        return restored
    }

    /// The recovery as it stands now: a preview past its 24 hours is recorded PREVIEW_EXPIRED, and work a
    /// lost node left unfinished is finished here.
    func settle(_ recovery: PointInTimeRecovery) async throws -> PointInTimeRecovery {
        let now = deps.clock.now()
        if recovery.status.isPreview && now >= recovery.expiresAt {
            return try await deps.storage.updateRecovery(poolID: recovery.poolID, restoreID: recovery.restoreID) { stored in
                if stored.status.isPreview { stored.status = .previewExpired }
            }
        }
        if recovery.status == .previewGenerating && now.timeIntervalSince(recovery.triggerTimestamp) > Self.lostWorkAge {
            return try await generate(recovery)
        }
        if recovery.status == .restoring, let started = recovery.startedAt, now.timeIntervalSince(started) > Self.lostWorkAge {
            return try await restore(recovery)
        }
        return recovery
    }

    // MARK: Statuses and the wire

    static func require(_ recovery: PointInTimeRecovery, in statuses: [PointInTimeRecovery.Status], to action: String) throws(CognitoError) {
        guard statuses.contains(recovery.status) else { throw wrongStatus(recovery, recovery.status, to: action) }
    }

    static func wrongStatus(_ recovery: PointInTimeRecovery, _ status: PointInTimeRecovery.Status, to action: String) -> CognitoError {
        let allowed = action == "start" ? "PREVIEW_GENERATED" : "PREVIEW_GENERATING or PREVIEW_GENERATED"
        return Errors.invalidParameter(
            "Recovery \(recovery.restoreID) has status \(status.rawValue); you can \(action) a recovery only in \(allowed).")
    }

    static func wire(_ recovery: PointInTimeRecovery) -> RestorationType {
        RestorationType(
            restoreId: recovery.restoreID, restoreStatus: RestoreStatusType(rawValue: recovery.status.rawValue),
            restoreTimestamp: recovery.restoreTimestamp, triggerTimestamp: recovery.triggerTimestamp,
            restorePreview: recovery.preview.map { counts in
                counts.map {
                    RestorePreviewType(entity: $0.entity, createCount: Int64($0.create), updateCount: Int64($0.update), deleteCount: Int64($0.delete))
                }
            })
    }
}

/// The writes AWS refuses while a recovery pauses them, beside those storage refuses itself (every change to
/// user data): the ones that would start something the pause would stop half-way (a code sent, an authenticator
/// or passkey half-registered, an import job), and TOTP sign-in, which AWS names.
enum RecoveryPause {
    static func refuse(poolID: String, _ deps: ServiceDependencies) async throws {
        if try await deps.storage.pausingRecovery(poolID: poolID) != nil {
            throw CognitoError(.operationNotEnabledException, StorageError.recoveryMessage)
        }
    }
}
