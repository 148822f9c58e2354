import Foundation

/// A point-in-time recovery of a pool's user data (InitiatePointInTimeRecovery): the changes made between
/// `restoreTimestamp` and `triggerTimestamp`, counted by a preview and then reverted by a restore.
public struct PointInTimeRecovery: Codable, Sendable, Equatable {
    /// AWS's RestoreStatusType.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case previewGenerating = "PREVIEW_GENERATING"
        case previewGenerated = "PREVIEW_GENERATED"
        case previewCancelled = "PREVIEW_CANCELLED"
        case previewGenerationFailed = "PREVIEW_GENERATION_FAILED"
        case previewExpired = "PREVIEW_EXPIRED"
        case restoring = "RESTORING"
        case restoreCompleted = "RESTORE_COMPLETED"
        case temporaryInternalError = "TEMPORARY_INTERNAL_ERROR_SEE_SUPPORT_CASE"
        case awsAborted = "AWS_ABORTED"

        /// Whether writes to the pool's user data stay paused in this status (a preview only until it expires).
        public var pausesWrites: Bool {
            switch self {
            case .previewGenerating, .previewGenerated, .restoring, .temporaryInternalError, .awsAborted: true
            case .previewCancelled, .previewGenerationFailed, .previewExpired, .restoreCompleted: false
            }
        }

        /// A preview waiting to be started or cancelled, which expires 24 hours after the recovery began.
        public var isPreview: Bool { self == .previewGenerating || self == .previewGenerated }
    }

    /// How long a preview waits for StartPointInTimeRecovery or CancelPointInTimeRecovery: "within 24 hours".
    public static let previewLifetime: TimeInterval = 24 * 3600

    public var poolID: String
    /// A lowercase UUID.
    public var restoreID: String
    public var status: Status
    /// The point in time the pool's user data goes back to.
    public var restoreTimestamp: Date
    /// The end of the changes the recovery reverts: when it was initiated.
    public var triggerTimestamp: Date
    /// The counts of the preview, once generated.
    public var preview: [RecoveryCount]?
    public var startedAt: Date?
    public var completedAt: Date?

    public init(poolID: String, restoreID: String, status: Status, restoreTimestamp: Date, triggerTimestamp: Date) {
        self.poolID = poolID
        self.restoreID = restoreID
        self.status = status
        self.restoreTimestamp = restoreTimestamp
        self.triggerTimestamp = triggerTimestamp
    }

    /// When an unstarted preview expires.
    public var expiresAt: Date { triggerTimestamp.addingTimeInterval(Self.previewLifetime) }

    /// Whether it pauses writes at `now`: a preview past its 24 hours no longer does, even before anyone
    /// reads it and records PREVIEW_EXPIRED.
    public func pausesWrites(at now: Date) -> Bool {
        status.pausesWrites && !(status.isPreview && now >= expiresAt)
    }

    /// Until when storage refuses writes to the pool's user data because of it (`Date.distantFuture` while
    /// restoring or failed; nil once it ended).
    public var writesPausedUntil: Date? {
        guard status.pausesWrites else { return nil }
        return status.isPreview ? expiresAt : .distantFuture
    }
}

/// One entity type of a recovery's preview: how many records the recovery creates (they existed at the
/// recovery point and were deleted after it), updates (changed after it) and deletes (made after it).
public struct RecoveryCount: Codable, Sendable, Equatable {
    /// AWS's names: "Users", "Groups", "User MFAs", "Passkeys".
    public var entity: String
    public var create: Int
    public var update: Int
    public var delete: Int

    public init(entity: String, create: Int = 0, update: Int = 0, delete: Int = 0) {
        self.entity = entity
        self.create = create
        self.update = update
        self.delete = delete
    }
}

/// Point-in-time recoveries and the journal they read. Every write that changes a pool's user data — users
/// (`User.recoverable` tells what counts), groups and group memberships — records in the same transaction
/// what it changed as it was before; such a write is refused with `recoveryInProgress` while a recovery of
/// the pool pauses writes.
public protocol PointInTimeRecoveryStorage: Sendable {
    /// The time journal entries and the write pause are measured by (the services' clock), and whether
    /// writes are journaled at all (`--recovery-journal off` turns it off).
    func configureRecoveryJournal(enabled: Bool, now: @escaping @Sendable () -> Date)
    /// Whether writes are journaled.
    var recoveryJournalEnabled: Bool { get }

    /// Records a new recovery. The pool must exist (`notFound`); a pool whose recovery pauses writes already
    /// refuses a second one (`alreadyExists(key: "recovery")`), checked in the same transaction.
    func createRecovery(_ recovery: PointInTimeRecovery) async throws
    func recovery(poolID: String, restoreID: String) async throws -> PointInTimeRecovery
    /// The pool's recoveries, newest first.
    func listRecoveries(poolID: String, _ page: PageRequest) async throws -> Page<PointInTimeRecovery>
    /// Every pool's recoveries triggered at or after `since` (what the account's limits count).
    func recoveries(since: Date) async throws -> [PointInTimeRecovery]
    @discardableResult
    func updateRecovery(poolID: String, restoreID: String, _ change: @escaping @Sendable (inout PointInTimeRecovery) throws -> Void) async throws
        -> PointInTimeRecovery
    /// The recovery of the pool that pauses writes now, if any.
    func pausingRecovery(poolID: String) async throws -> PointInTimeRecovery?

    /// What restoring the pool's user data to `point` would change, reverting every journaled change from
    /// after `point` through `through`.
    func recoveryPreview(poolID: String, point: Date, through: Date) async throws -> [RecoveryCount]
    /// Restores the recovery's changes in one transaction and records it RESTORE_COMPLETED at `now`, if it
    /// is still RESTORING (else answers it as it is, changing nothing).
    func applyRecovery(poolID: String, restoreID: String, now: Date) async throws -> PointInTimeRecovery
    /// Removes the pool's journal entries older than `before`; answers how many.
    @discardableResult
    func pruneRecoveryJournal(poolID: String, before: Date) async throws -> Int
    /// The pool's journal: its entries and the bytes of their before-images.
    func recoveryJournalSize(poolID: String) async throws -> (entries: Int, bytes: Int)
}
