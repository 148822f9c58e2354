import CognateStorage
import SQLKit

/// Groups and their members.
extension SQLStorage {
    static let groups = PoolDocumentTable<Group>(
        table: "groups", keyColumn: "name", poolID: \.poolID, key: \.name,
        duplicateKey: "group")

    public func createGroup(_ group: Group) async throws {
        try await Self.groups.create(group, in: self)
    }

    public func group(poolID: String, name: String) async throws -> Group {
        try await Self.groups.get(poolID: poolID, key: name, in: self)
    }

    public func listGroups(poolID: String, _ page: PageRequest) async throws -> Page<Group> {
        try await Self.groups.list(poolID: poolID, page, in: self)
    }

    public func updateGroup(poolID: String, name: String, _ change: @escaping @Sendable (inout Group) throws -> Void) async throws -> Group {
        try await Self.groups.update(poolID: poolID, key: name, in: self, change)
    }

    public func deleteGroup(poolID: String, name: String) async throws {
        try await Self.groups.delete(poolID: poolID, key: name, in: self)
    }

    public func addMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT name FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: groupName)")
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            try await db.raw(
                """
                INSERT INTO group_members (pool_id, group_name, username_key)
                VALUES (\(bind: poolID), \(bind: groupName), \(bind: usernameKey))
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
    }

    public func removeMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT name FROM groups WHERE pool_id = \(bind: poolID) AND name = \(bind: groupName)")
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            try await db.raw(
                """
                DELETE FROM group_members
                WHERE pool_id = \(bind: poolID) AND group_name = \(bind: groupName) AND username_key = \(bind: usernameKey)
                """
            ).run()
        }
    }

    public func listGroups(poolID: String, memberKey: String, _ page: PageRequest) async throws -> Page<Group> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: memberKey)")
            var q: SQLQueryString = """
                SELECT g.data AS data FROM group_members m
                JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
                WHERE m.pool_id = \(bind: poolID) AND m.username_key = \(bind: memberKey)
                """
            q.appendPage(after: after, orderedBy: ["m.group_name"])
            return try await Self.page(Group.self, db, q, limit: page.limit) { [$0.name] }
        }
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
