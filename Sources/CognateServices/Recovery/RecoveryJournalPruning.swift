import CognateStorage
import Foundation
import Logging

/// Keeps each pool's recovery journal to what a recovery can still read: the plan's window (1 day on
/// Essentials and Lite, 14 on Plus) plus the 24 hours a preview may wait before it is started.
public enum RecoveryJournalPruning {
    /// How long a pool's journal entries are kept.
    static func retention(_ pool: UserPool) -> TimeInterval {
        PointInTimeRecoveryService.window(pool.settings.userPoolTier) + PointInTimeRecovery.previewLifetime
    }

    /// Prunes every pool's journal once; answers how many entries went.
    @discardableResult
    public static func prune(_ deps: ServiceDependencies) async throws -> Int {
        guard deps.storage.recoveryJournalEnabled else { return 0 }
        let now = deps.clock.now()
        var removed = 0
        var token: String?
        repeat {
            let page = try await deps.storage.listUserPools(PageRequest(token: token, limit: 60))
            for pool in page.items {
                removed += try await deps.storage.pruneRecoveryJournal(poolID: pool.id, before: now.addingTimeInterval(-retention(pool)))
            }
            token = page.nextToken
        } while token != nil
        return removed
    }

    /// Prunes every `interval` until cancelled; a failed round is logged and tried again at the next.
    public static func run(_ deps: ServiceDependencies, every interval: Duration) async {
        while !Task.isCancelled {
            do {
                let removed = try await prune(deps)
                if removed > 0 { deps.logger.debug("Recovery journal: \(removed) entries past their pools' windows removed") }
            } catch {
                deps.logger.error("Recovery journal: pruning failed; it is tried again later", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
