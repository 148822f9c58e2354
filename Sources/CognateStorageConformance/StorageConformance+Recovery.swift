import CognateStorage
import Foundation
import Synchronization

extension StorageConformance {
    static let recoveryChecks: [String: Check] = [
        "recoveriesAreKeptPerPoolNewestFirst": recoveriesAreKeptPerPoolNewestFirst,
        "aRestoreRevertsTheJournaledChanges": aRestoreRevertsTheJournaledChanges,
        "writesToUserDataWaitOutARecovery": writesToUserDataWaitOutARecovery,
    ]

    /// A clock the check moves, for the journal's times.
    final class CheckClock: Sendable {
        let time = Mutex(date)
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func recovery(_ id: String, at time: Date, status: PointInTimeRecovery.Status = .previewGenerating) -> PointInTimeRecovery {
        PointInTimeRecovery(
            poolID: "us-east-1_Pool1", restoreID: id, status: status, restoreTimestamp: time.addingTimeInterval(-1000), triggerTimestamp: time)
    }

    static func recoveriesAreKeptPerPoolNewestFirst(_ s: any Storage) async throws {
        let clock = CheckClock()
        s.configureRecoveryJournal(enabled: true) { clock.now }
        try await expectError(.notFound, "a recovery needs its pool") { try await s.createRecovery(recovery("a", at: date)) }
        try await s.createUserPool(pool())
        try await s.createRecovery(recovery("a", at: date, status: .previewCancelled))
        try await s.createRecovery(recovery("b", at: date.addingTimeInterval(10)))
        try await expectError(.alreadyExists(key: "recovery"), "one recovery pausing writes at a time") {
            try await s.createRecovery(recovery("c", at: date.addingTimeInterval(20)))
        }
        try expect(try await s.pausingRecovery(poolID: "us-east-1_Pool1")?.restoreID == "b", "the pausing one")
        let first = try await s.listRecoveries(poolID: "us-east-1_Pool1", PageRequest(limit: 1))
        try expect(first.items.map(\.restoreID) == ["b"] && first.nextToken != nil, "newest first")
        let second = try await s.listRecoveries(poolID: "us-east-1_Pool1", PageRequest(token: first.nextToken, limit: 1))
        try expect(second.items.map(\.restoreID) == ["a"] && second.nextToken == nil, "then the older one")
        try expect(try await s.recoveries(since: date.addingTimeInterval(5)).map(\.restoreID) == ["b"], "the account's since a time")
        let cancelled = try await s.updateRecovery(poolID: "us-east-1_Pool1", restoreID: "b") { $0.status = .previewCancelled }
        try expect(cancelled.status == .previewCancelled, "updated")
        try expect(try await s.pausingRecovery(poolID: "us-east-1_Pool1") == nil, "a cancelled recovery pauses nothing")
        try await s.createRecovery(recovery("c", at: date.addingTimeInterval(20)))
        clock.advance(PointInTimeRecovery.previewLifetime + 100)
        try expect(try await s.pausingRecovery(poolID: "us-east-1_Pool1") == nil, "an expired preview pauses nothing")
        try await expectError(.notFound, "an unknown recovery") { _ = try await s.recovery(poolID: "us-east-1_Pool1", restoreID: "zz") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try expect(try await s.recoveries(since: .distantPast).isEmpty, "recoveries go with their pool")
    }

    static func aRestoreRevertsTheJournaledChanges(_ s: any Storage) async throws {
        let clock = CheckClock()
        s.configureRecoveryJournal(enabled: true) { clock.now }
        try await s.createUserPool(pool())
        for name in ["ann", "bob", "cat"] {
            try await s.createUser(user(name, email: "\(name)@example.com", aliases: ["email:\(name)@example.com"]))
        }
        try await s.createGroup(Group(poolID: "us-east-1_Pool1", name: "staff", creationDate: date, lastModifiedDate: date))
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "staff", usernameKey: "ann")
        clock.advance(600)
        let point = clock.now
        clock.advance(600)
        // After the point: a deletion, a changed email (which another user takes), a new user, a group change.
        try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "ann")
        try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "bob") { user in
            user.setAttribute("email", "new@example.com")
            user.aliasKeys = ["email:new@example.com"]
        }
        try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "cat") { user in
            user.setAttribute("email", "bob@example.com")
            user.aliasKeys = ["email:bob@example.com"]
        }
        // Sign-in's counters are not user data: not journaled.
        try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "cat") { $0.failedSignIns = 3 }
        try await s.createUser(user("eve"))
        try await s.addMember(poolID: "us-east-1_Pool1", groupName: "staff", usernameKey: "eve")
        try await s.updateGroup(poolID: "us-east-1_Pool1", name: "staff") { $0.description = "changed" }
        let trigger = clock.now
        let counts = try await s.recoveryPreview(poolID: "us-east-1_Pool1", point: point, through: trigger)
        let byEntity = Dictionary(uniqueKeysWithValues: counts.map { ($0.entity, $0) })
        try expect(byEntity["Users"] == RecoveryCount(entity: "Users", create: 1, update: 2, delete: 1), "users: \(counts)")
        try expect(byEntity["Groups"] == RecoveryCount(entity: "Groups", create: 1, update: 1, delete: 1), "groups: \(counts)")
        try expect(try await s.recoveryJournalSize(poolID: "us-east-1_Pool1").entries >= 10, "the journal holds every change")

        var started = PointInTimeRecovery(
            poolID: "us-east-1_Pool1", restoreID: "r", status: .restoring, restoreTimestamp: point, triggerTimestamp: trigger)
        started.startedAt = trigger
        try await s.createRecovery(started)
        try await expectError(.recoveryInProgress, "a write while restoring") { try await s.createUser(user("late")) }
        clock.advance(1)
        let done = try await s.applyRecovery(poolID: "us-east-1_Pool1", restoreID: "r", now: clock.now)
        try expect(done.status == .restoreCompleted && done.completedAt != nil, "completed")
        let again = try await s.applyRecovery(poolID: "us-east-1_Pool1", restoreID: "r", now: clock.now)
        try expect(again == done, "a completed restore is not applied twice")

        let ann = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "ann")
        try expect(ann.sub == "sub-ann" && ann.attribute("email") == "ann@example.com", "the deleted user is back")
        try expect(try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:bob@example.com").usernameKey == "bob", "bob has his address back")
        try expect(try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:cat@example.com").usernameKey == "cat", "and cat hers")
        try await expectError(.notFound, "the new address is free") {
            _ = try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:new@example.com")
        }
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "cat").failedSignIns == 3, "sign-in's counters stay as they are")
        try await expectError(.notFound, "the user made after the point is gone") {
            _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "eve")
        }
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 3, "three users, as at the point")
        let staff = try await s.listMembers(poolID: "us-east-1_Pool1", groupName: "staff", PageRequest(limit: 10)).items.map(\.usernameKey)
        try expect(staff == ["ann"], "the memberships as at the point: \(staff)")
        try expect(try await s.group(poolID: "us-east-1_Pool1", name: "staff").description == nil, "the group as at the point")
        // Writes go on; the restore is itself journaled, so a later recovery could go back past it.
        try await s.createUser(user("late"))
        let later = try await s.recoveryPreview(poolID: "us-east-1_Pool1", point: trigger, through: clock.now)
        try expect(
            later.first { $0.entity == "Users" } == RecoveryCount(entity: "Users", create: 1, update: 2, delete: 2),
            "the restore's own changes are in the journal: \(later)")
        clock.advance(3600)
        let pruned = try await s.pruneRecoveryJournal(poolID: "us-east-1_Pool1", before: clock.now)
        let left = try await s.recoveryJournalSize(poolID: "us-east-1_Pool1").entries
        try expect(pruned > 0 && left == 0, "pruned")
    }

    static func writesToUserDataWaitOutARecovery(_ s: any Storage) async throws {
        let clock = CheckClock()
        s.configureRecoveryJournal(enabled: true) { clock.now }
        try await s.createUserPool(pool())
        try await s.createUser(user("ann"))
        try await s.createGroup(Group(poolID: "us-east-1_Pool1", name: "staff", creationDate: date, lastModifiedDate: date))
        try await s.createRecovery(recovery("p", at: clock.now))
        try await expectError(.recoveryInProgress, "create") { try await s.createUser(user("bob")) }
        try await expectError(.recoveryInProgress, "change") {
            try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "ann") { $0.enabled = false }
        }
        try await expectError(.recoveryInProgress, "delete") { try await s.deleteUser(poolID: "us-east-1_Pool1", usernameKey: "ann") }
        try await expectError(.recoveryInProgress, "membership") {
            try await s.addMember(poolID: "us-east-1_Pool1", groupName: "staff", usernameKey: "ann")
        }
        try await expectError(.recoveryInProgress, "group") { try await s.deleteGroup(poolID: "us-east-1_Pool1", name: "staff") }
        try await s.updateUser(poolID: "us-east-1_Pool1", usernameKey: "ann") { $0.failedSignIns = 1 }
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "ann").enabled, "nothing changed")
        // The pause ends with the preview's 24 hours, read or not.
        clock.advance(PointInTimeRecovery.previewLifetime)
        try await s.createUser(user("bob"))
        s.configureRecoveryJournal(enabled: false) { clock.now }
        try await s.createUser(user("cat"))
        try expect(try await s.recoveryJournalSize(poolID: "us-east-1_Pool1").entries == 3, "a journal turned off records nothing")
        s.configureRecoveryJournal(enabled: true) { Date() }
    }
}
