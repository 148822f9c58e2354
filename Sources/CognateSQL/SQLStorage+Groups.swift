import CognateStorage
import Foundation
import SQLKit
import Synchronization

/// Groups and their members.
extension SQLStorage {
    static let groups = PoolDocumentTable<Group>(
        table: "groups", keyColumn: "name", poolID: \.poolID, key: \.name,
        duplicateKey: "group")

    public func createGroup(_ group: Group) async throws {
        try await Self.groups.create(group, in: self) { db, group in
            try await self.recordChanges(db, poolID: group.poolID, [RecoveryJournalEntry(kind: .group, key: group.name, before: nil)])
        }
    }

    public func group(poolID: String, name: String) async throws -> Group {
        try await Self.groups.get(poolID: poolID, key: name, in: self)
    }

    public func listGroups(poolID: String, _ page: PageRequest) async throws -> Page<Group> {
        try await Self.groups.list(poolID: poolID, page, in: self)
    }

    public func updateGroup(poolID: String, name: String, _ change: @escaping @Sendable (inout Group) throws -> Void) async throws -> Group {
        // The group as stored, for the journal: the change sees it first.
        let stored = Mutex<Group?>(nil)
        return try await Self.groups.update(
            poolID: poolID, key: name, in: self,
            { group in
                stored.withLock { $0 = group }
                try change(&group)
            },
            alongside: { db, group in
                guard let before = stored.withLock({ $0 }), before != group else { return }
                try await self.recordChanges(
                    db, poolID: poolID, [RecoveryJournalEntry(kind: .group, key: name, before: Data(try Self.json(before).utf8))])
            })
    }

    public func deleteGroup(poolID: String, name: String) async throws {
        try await Self.groups.delete(poolID: poolID, key: name, in: self) { db in
            let stored = try await Self.groups.one(db, poolID: poolID, key: name)
            try await self.recordChanges(
                db, poolID: poolID,
                [RecoveryJournalEntry(kind: .group, key: name, before: Data(try Self.json(stored).utf8))]
                    + (try await Self.membershipEntries(db, poolID: poolID, group: name)))
        }
    }

    public func addMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT name FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: groupName)")
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            let added = try await db.raw(
                """
                INSERT INTO group_members (pool_id, group_name, username_key)
                VALUES (\(bind: poolID), \(bind: groupName), \(bind: usernameKey))
                ON CONFLICT DO NOTHING RETURNING username_key
                """
            ).first()
            if added != nil {
                try await self.recordChanges(
                    db, poolID: poolID,
                    [
                        RecoveryJournalEntry(
                            kind: .membership, key: RecoveryJournalEntry.membershipKey(group: groupName, user: usernameKey), before: nil)
                    ])
            }
        }
    }

    public func removeMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT name FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: groupName)")
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            let removed = try await db.raw(
                """
                DELETE FROM group_members
                WHERE pool_id = \(bind: poolID) AND group_name = \(bind: groupName) AND username_key = \(bind: usernameKey)
                RETURNING username_key
                """
            ).first()
            if removed != nil {
                try await self.recordChanges(
                    db, poolID: poolID,
                    [
                        RecoveryJournalEntry(
                            kind: .membership, key: RecoveryJournalEntry.membershipKey(group: groupName, user: usernameKey),
                            before: RecoveryJournalEntry.member)
                    ])
            }
        }
    }

    /// One query answers both whether the user exists and their groups (token issuance asks this on every
    /// sign-in): see `KeyedRead.groupsOfMember`.
    public func listGroups(poolID: String, memberKey: String, _ page: PageRequest) async throws -> Page<Group> {
        let limit = String(page.limit + 1)
        let rows: [Group?]
        let decode: @Sendable (any SQLRow) throws -> Group? = { row in
            try row.decodeNil(column: "data") ? nil : try Self.record(Group.self, try row.decode(column: "data", as: String.self))
        }
        if let after = try PageToken.decode(page.token, parts: 1) {
            rows = try await self.rows(.groupsOfMemberAfter, [after[0], poolID, memberKey, limit], decode: decode)
        } else {
            rows = try await self.rows(.groupsOfMember, [poolID, memberKey, limit], decode: decode)
        }
        guard !rows.isEmpty else { throw StorageError.notFound }
        let groups = rows.compactMap { $0 }
        let items = Array(groups.prefix(page.limit))
        return Page(items: items, nextToken: groups.count > page.limit ? items.last.map { PageToken.encode([$0.name]) } : nil)
    }

    public func listMembers(poolID: String, groupName: String, _ page: PageRequest) async throws -> Page<User> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            try await Self.requireRow(db, "SELECT name FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: groupName)")
            var q: SQLQueryString = """
                SELECT u.data AS data FROM group_members m
                JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key
                WHERE m.pool_id = \(bind: poolID) AND m.group_name = \(bind: groupName)
                """
            q.appendPage(after: after, orderedBy: ["m.username_key"])
            return try await Self.page(db, q, limit: page.limit, decode: Self.user(row:)) { [$0.usernameKey] }
        }
    }
}
