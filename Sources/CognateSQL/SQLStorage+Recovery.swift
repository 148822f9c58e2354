import CognateStorage
import Foundation
import SQLKit
import Synchronization

/// `PointInTimeRecoveryStorage` in SQL: the journal every write to user data adds to in its own transaction,
/// the recoveries, and the preview and restore worked out by `RecoveryPlan`.
extension SQLStorage {
    /// Whether writes are journaled, and the clock their times and the write pause are read from.
    struct JournalSettings: Sendable {
        var enabled = true
        var now: @Sendable () -> Date = { Date() }
    }

    public func configureRecoveryJournal(enabled: Bool, now: @escaping @Sendable () -> Date) {
        journalSettings.withLock { $0 = JournalSettings(enabled: enabled, now: now) }
    }

    public var recoveryJournalEnabled: Bool { journalSettings.withLock { $0.enabled } }

    // MARK: The journal, written by every change to user data

    /// In the transaction of a write that changes the pool's user data: refuses it while a recovery of the pool
    /// pauses writes (`recoveryInProgress`), then records what it changes as it was before.
    func recordChanges(_ db: any SQLDatabase, poolID: String, _ entries: [RecoveryJournalEntry]) async throws {
        guard !entries.isEmpty else { return }
        let settings = journalSettings.withLock { $0 }
        let now = settings.now().timeIntervalSince1970
        if try await db.raw(
            "SELECT 1 AS one FROM point_in_time_recoveries WHERE pool_id = \(bind: poolID) AND pauses_until > \(bind: now)"
        ).first() != nil {
            throw StorageError.recoveryInProgress
        }
        guard settings.enabled else { return }
        try await Self.appendJournal(db, poolID: poolID, at: now, entries)
    }

    /// Appends entries, a hundred rows per statement.
    static func appendJournal(_ db: any SQLDatabase, poolID: String, at time: Double, _ entries: [RecoveryJournalEntry]) async throws {
        var start = entries.startIndex
        while start < entries.endIndex {
            let end = min(start + 100, entries.endIndex)
            var q: SQLQueryString = "INSERT INTO recovery_journal (pool_id, changed_at, kind, entity_key, image) VALUES "
            for (offset, entry) in entries[start..<end].enumerated() {
                if offset > 0 { q.appendInterpolation(unsafeRaw: ", ") }
                let row: SQLQueryString = "(\(bind: poolID), \(bind: time), \(bind: entry.kind.rawValue), \(bind: entry.key), \(bind: entry.before))"
                q.appendInterpolation(row)
            }
            try await db.raw(q).run()
            start = end
        }
    }

    /// The journal entries of a user's group memberships, as they are before the user's deletion.
    static func membershipEntries(_ db: any SQLDatabase, poolID: String, user usernameKey: String) async throws -> [RecoveryJournalEntry] {
        try await db.raw("SELECT group_name FROM group_members WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            .all(decodingColumn: "group_name", as: String.self)
            .map {
                RecoveryJournalEntry(
                    kind: .membership, key: RecoveryJournalEntry.membershipKey(group: $0, user: usernameKey), before: RecoveryJournalEntry.member)
            }
    }

    /// The journal entries of a group's memberships, as they are before the group's deletion.
    static func membershipEntries(_ db: any SQLDatabase, poolID: String, group name: String) async throws -> [RecoveryJournalEntry] {
        try await db.raw("SELECT username_key FROM group_members WHERE pool_id = \(bind: poolID) AND group_name = \(bind: name)")
            .all(decodingColumn: "username_key", as: String.self)
            .map {
                RecoveryJournalEntry(
                    kind: .membership, key: RecoveryJournalEntry.membershipKey(group: name, user: $0), before: RecoveryJournalEntry.member)
            }
    }

    public func pruneRecoveryJournal(poolID: String, before: Date) async throws -> Int {
        try await transaction { db in
            let n =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM recovery_journal WHERE pool_id = \(bind: poolID) AND changed_at < \(bind: before.timeIntervalSince1970)"
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if n > 0 {
                try await db.raw(
                    "DELETE FROM recovery_journal WHERE pool_id = \(bind: poolID) AND changed_at < \(bind: before.timeIntervalSince1970)"
                ).run()
            }
            return n
        }
    }

    public func recoveryJournalSize(poolID: String) async throws -> (entries: Int, bytes: Int) {
        try await read { db in
            let row = try await db.raw(
                """
                SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(image)), 0) AS bytes FROM recovery_journal WHERE pool_id = \(bind: poolID)
                """
            ).first()
            return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "bytes", as: Int.self) ?? 0)
        }
    }

    // MARK: Recoveries

    static func recoveryRow(_ db: any SQLDatabase, poolID: String, restoreID: String) async throws -> PointInTimeRecovery {
        try await one(
            PointInTimeRecovery.self, db,
            "SELECT data FROM point_in_time_recoveries WHERE pool_id = \(bind: poolID) AND restore_id = \(bind: restoreID)")
    }

    static func writeRecovery(_ db: any SQLDatabase, _ recovery: PointInTimeRecovery, inserting: Bool) async throws {
        let data = try json(recovery)
        let paused = recovery.writesPausedUntil?.timeIntervalSince1970
        if inserting {
            try await db.raw(
                """
                INSERT INTO point_in_time_recoveries (pool_id, restore_id, triggered_at, pauses_until, data)
                VALUES (\(bind: recovery.poolID), \(bind: recovery.restoreID), \(bind: recovery.triggerTimestamp.timeIntervalSince1970),
                    \(bind: paused), \(bind: data))
                """
            ).run()
        } else {
            try await db.raw(
                """
                UPDATE point_in_time_recoveries SET pauses_until = \(bind: paused), data = \(bind: data)
                WHERE pool_id = \(bind: recovery.poolID) AND restore_id = \(bind: recovery.restoreID)
                """
            ).run()
        }
    }

    public func createRecovery(_ recovery: PointInTimeRecovery) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: recovery.poolID)")
            let now = recovery.triggerTimestamp.timeIntervalSince1970
            if try await db.raw(
                "SELECT 1 AS one FROM point_in_time_recoveries WHERE pool_id = \(bind: recovery.poolID) AND pauses_until > \(bind: now)"
            ).first() != nil {
                throw StorageError.alreadyExists(key: "recovery")
            }
            try await Self.writeRecovery(db, recovery, inserting: true)
        }
    }

    public func recovery(poolID: String, restoreID: String) async throws -> PointInTimeRecovery {
        try await read { db in try await Self.recoveryRow(db, poolID: poolID, restoreID: restoreID) }
    }

    public func listRecoveries(poolID: String, _ page: PageRequest) async throws -> Page<PointInTimeRecovery> {
        let after = try PageToken.decode(page.token, parts: 1)
        // A pool makes at most ten recoveries in thirty days: all of them are read and paged here.
        let all = try await read { db in
            try await db.raw(
                "SELECT data FROM point_in_time_recoveries WHERE pool_id = \(bind: poolID) ORDER BY triggered_at DESC, restore_id DESC"
            ).all(decodingColumn: "data", as: String.self).map { try Self.record(PointInTimeRecovery.self, $0) }
        }
        var start = 0
        if let after {
            guard let index = all.firstIndex(where: { $0.restoreID == after[0] }) else { throw StorageError.invalidPageToken }
            start = index + 1
        }
        let items = Array(all[start...].prefix(page.limit))
        let next = start + items.count < all.count ? items.last.map { PageToken.encode([$0.restoreID]) } : nil
        return Page(items: items, nextToken: next)
    }

    public func recoveries(since: Date) async throws -> [PointInTimeRecovery] {
        try await read { db in
            try await db.raw(
                "SELECT data FROM point_in_time_recoveries WHERE triggered_at >= \(bind: since.timeIntervalSince1970) ORDER BY triggered_at"
            ).all(decodingColumn: "data", as: String.self).map { try Self.record(PointInTimeRecovery.self, $0) }
        }
    }

    public func updateRecovery(
        poolID: String, restoreID: String, _ change: @escaping @Sendable (inout PointInTimeRecovery) throws -> Void
    ) async throws -> PointInTimeRecovery {
        try await transaction { db in
            var recovery = try await Self.recoveryRow(db, poolID: poolID, restoreID: restoreID)
            try change(&recovery)
            recovery.poolID = poolID
            recovery.restoreID = restoreID
            try await Self.writeRecovery(db, recovery, inserting: false)
            return recovery
        }
    }

    public func pausingRecovery(poolID: String) async throws -> PointInTimeRecovery? {
        let now = journalSettings.withLock { $0.now() }.timeIntervalSince1970
        return try await read { db in
            try await db.raw(
                """
                SELECT data FROM point_in_time_recoveries WHERE pool_id = \(bind: poolID) AND pauses_until > \(bind: now)
                ORDER BY triggered_at DESC
                """
            ).first(decodingColumn: "data", as: String.self).map { try Self.record(PointInTimeRecovery.self, $0) }
        }
    }

    // MARK: Preview and restore

    /// The first journal entry of each record changed after `point` through `through`: its state at the point.
    static func firstChanges(_ db: any SQLDatabase, poolID: String, point: Date, through: Date) async throws -> [RecoveryJournalEntry] {
        let rows = try await db.raw(
            """
            SELECT kind, entity_key, image FROM recovery_journal
            WHERE pool_id = \(bind: poolID) AND changed_at > \(bind: point.timeIntervalSince1970) AND changed_at <= \(bind: through.timeIntervalSince1970)
            ORDER BY changed_at, seq
            """
        ).all()
        var seen = Set<String>()
        var entries: [RecoveryJournalEntry] = []
        for row in rows {
            let kindText = try row.decode(column: "kind", as: String.self)
            guard let kind = RecoveryJournalEntry.Kind(rawValue: kindText) else { continue }
            let key = try row.decode(column: "entity_key", as: String.self)
            guard seen.insert(kindText + "\u{0}" + key).inserted else { continue }
            let image = try row.decodeNil(column: "image") ? nil : try row.decode(column: "image", as: Data.self)
            entries.append(RecoveryJournalEntry(kind: kind, key: key, before: image))
        }
        return entries
    }

    /// The plan for the entries, read against the records as they are now.
    static func plan(_ db: any SQLDatabase, poolID: String, point: Date, entries: [RecoveryJournalEntry]) async throws -> RecoveryPlan {
        var users: [String: User] = [:]
        var groups: [String: Group] = [:]
        var members = Set<String>()
        for entry in entries {
            switch entry.kind {
            case .user:
                if let row = try await db.raw("SELECT data FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: entry.key)").first()
                {
                    users[entry.key] = try user(row: row)
                }
            case .group:
                if let data = try await db.raw("SELECT data FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: entry.key)")
                    .first(decodingColumn: "data", as: String.self)
                {
                    groups[entry.key] = try record(Group.self, data)
                }
            case .membership:
                guard let (group, user) = RecoveryJournalEntry.membership(entry.key) else { continue }
                if try await db.raw(
                    """
                    SELECT 1 AS one FROM group_members
                    WHERE pool_id = \(bind: poolID) AND group_name = \(bind: group) AND username_key = \(bind: user)
                    """
                ).first() != nil {
                    members.insert(entry.key)
                }
            }
        }
        return try RecoveryPlan(
            entries: entries, point: point, users: users, groups: groups, members: members,
            decodeUser: { try User(recordBytes: [UInt8]($0)) }, decodeGroup: { try record(Group.self, String(decoding: $0, as: UTF8.self)) })
    }

    public func recoveryPreview(poolID: String, point: Date, through: Date) async throws -> [RecoveryCount] {
        try await read { db in
            let entries = try await Self.firstChanges(db, poolID: poolID, point: point, through: through)
            return try await Self.plan(db, poolID: poolID, point: point, entries: entries).counts
        }
    }

    public func applyRecovery(poolID: String, restoreID: String, now: Date) async throws -> PointInTimeRecovery {
        let (recovery, _) = try await transaction { db in
            var recovery = try await Self.recoveryRow(db, poolID: poolID, restoreID: restoreID)
            guard recovery.status == .restoring else { return (recovery, RestoredKeys()) }
            let entries = try await Self.firstChanges(db, poolID: poolID, point: recovery.restoreTimestamp, through: recovery.triggerTimestamp)
            let plan = try await Self.plan(db, poolID: poolID, point: recovery.restoreTimestamp, entries: entries)
            let changed = try await Self.apply(plan, poolID: poolID, db: db, at: now.timeIntervalSince1970, journaling: self.recoveryJournalEnabled)
            recovery.status = .restoreCompleted
            recovery.completedAt = now
            try await Self.writeRecovery(db, recovery, inserting: false)
            return (recovery, changed)
        } committed: { (_, changed: RestoredKeys) in
            for key in changed.users { self.users.forget(Self.userKey(poolID, key)) }
            self.refreshTokens.forgetAll { $0.poolID == poolID && changed.deleted.contains($0.usernameKey) }
            self.cache.adjustUserCount(poolID, by: changed.created - changed.deleted.count)
        }
        return recovery
    }

    /// What a restore changed, for the caches.
    struct RestoredKeys: Sendable {
        var users: [String] = []
        var deleted = Set<String>()
        var created = 0
    }

    /// Writes the plan: removals first, then groups, users and their aliases (every alias of a restored user
    /// freed before any is taken again, so that two users trading an address do not collide), then
    /// memberships. Each change is journaled as any other, so a later recovery can go back past this one.
    static func apply(_ plan: RecoveryPlan, poolID: String, db: any SQLDatabase, at time: Double, journaling: Bool) async throws -> RestoredKeys {
        var changed = RestoredKeys()
        var journal: [RecoveryJournalEntry] = []
        var current: [String: Data] = [:]
        for (key, _) in plan.users {
            if let data = try await db.raw("SELECT data FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: key)").first() {
                current[key] = try Data(user(row: data).recordBytes)
            }
        }
        for (key, restored) in plan.users where restored == nil {
            guard let before = current[key] else { continue }
            journal.append(RecoveryJournalEntry(kind: .user, key: key, before: before))
            journal += try await membershipEntries(db, poolID: poolID, user: key)
            try await db.raw("DELETE FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: key)").run()
            changed.deleted.insert(key)
        }
        for (name, restored) in plan.groups {
            let stored = try await db.raw("SELECT data FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: name)")
                .first(decodingColumn: "data", as: String.self)
            journal.append(RecoveryJournalEntry(kind: .group, key: name, before: stored.map { Data($0.utf8) }))
            if let restored {
                let data = try json(restored)
                if stored == nil {
                    try await db.raw("INSERT INTO groups (pool_id, name, data) VALUES (\(bind: poolID), \(bind: name), \(bind: data))").run()
                } else {
                    try await db.raw("UPDATE groups SET data = \(bind: data) WHERE pool_id = \(bind: poolID) AND name = \(bind: name)").run()
                }
            } else if stored != nil {
                journal += try await membershipEntries(db, poolID: poolID, group: name)
                try await db.raw("DELETE FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: name)").run()
            }
        }
        let restoredUsers = plan.users.compactMap(\.restored)
        for user in restoredUsers {
            try await db.raw("DELETE FROM user_aliases WHERE pool_id = \(bind: poolID) AND username_key = \(bind: user.usernameKey)").run()
        }
        for user in restoredUsers {
            let data = userData(user)
            let v = indexedFields.map { user.filterValue($0) }
            journal.append(RecoveryJournalEntry(kind: .user, key: user.usernameKey, before: current[user.usernameKey]))
            if current[user.usernameKey] == nil {
                try await insertUserRow(db, user, data: data)
                changed.created += 1
            } else {
                try await db.raw(
                    """
                    UPDATE users SET sub = \(bind: user.sub), email = \(bind: v[0]), phone_number = \(bind: v[1]), name = \(bind: v[2]),
                        given_name = \(bind: v[3]), family_name = \(bind: v[4]), preferred_username = \(bind: v[5]),
                        user_status = \(bind: v[6] ?? ""), enabled_status = \(bind: v[7] ?? ""), data = \(bind: data)
                    WHERE pool_id = \(bind: poolID) AND username_key = \(bind: user.usernameKey)
                    """
                ).run()
            }
            changed.users.append(user.usernameKey)
        }
        for user in restoredUsers {
            for alias in user.aliasKeys {
                try await db.raw(
                    "INSERT INTO user_aliases (pool_id, alias_key, username_key) VALUES (\(bind: poolID), \(bind: alias), \(bind: user.usernameKey))"
                ).run()
            }
        }
        changed.users += changed.deleted
        for (group, user, member) in plan.memberships {
            let key = RecoveryJournalEntry.membershipKey(group: group, user: user)
            if member {
                let added = try await db.raw(
                    """
                    INSERT INTO group_members (pool_id, group_name, username_key)
                    SELECT \(bind: poolID), \(bind: group), \(bind: user)
                    WHERE EXISTS (SELECT 1 FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: group))
                      AND EXISTS (SELECT 1 FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: user))
                    ON CONFLICT DO NOTHING RETURNING username_key
                    """
                ).first()
                if added != nil { journal.append(RecoveryJournalEntry(kind: .membership, key: key, before: nil)) }
            } else {
                let removed = try await db.raw(
                    """
                    DELETE FROM group_members WHERE pool_id = \(bind: poolID) AND group_name = \(bind: group) AND username_key = \(bind: user)
                    RETURNING username_key
                    """
                ).first()
                if removed != nil { journal.append(RecoveryJournalEntry(kind: .membership, key: key, before: RecoveryJournalEntry.member)) }
            }
        }
        if journaling { try await appendJournal(db, poolID: poolID, at: time, journal) }
        return changed
    }
}
