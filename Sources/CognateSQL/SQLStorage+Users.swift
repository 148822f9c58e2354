import CognateStorage
import Foundation
import SQLKit

/// Users: their stored binary form, the alias rows, filtered listing on indexed columns, the cache.
extension SQLStorage {
    /// Users are written in their binary record form (`BinaryRecord`: a fraction of JSON's decoding cost,
    /// which dominated ListUsers pages that missed the cache); rows written before it hold JSON text.
    static func userData(_ user: User) -> Data {
        Data(user.recordBytes)
    }

    static func user(row: any SQLRow) throws -> User {
        if let bytes = try? row.decode(column: "data", as: Data.self) {
            return try User(recordBytes: bytes)
        }
        return try record(User.self, try row.decode(column: "data", as: String.self))
    }

    private static func oneUser(_ db: any SQLDatabase, _ query: SQLQueryString) async throws -> User {
        guard let row = try await db.raw(query).first() else { throw StorageError.notFound }
        return try user(row: row)
    }

    /// The indexed column behind each filterable field.
    static func column(_ field: UserFilter.Field) -> String {
        switch field {
        case .username: return "username_key"
        case .email: return "email"
        case .phoneNumber: return "phone_number"
        case .name: return "name"
        case .givenName: return "given_name"
        case .familyName: return "family_name"
        case .preferredUsername: return "preferred_username"
        case .userStatus: return "user_status"
        case .status: return "enabled_status"
        case .sub: return "sub"
        }
    }

    static let indexedFields: [UserFilter.Field] = [
        .email, .phoneNumber, .name, .givenName, .familyName, .preferredUsername, .userStatus, .status,
    ]

    /// Writes the user's alias rows; `replacing` first removes the ones it had (a new user has none).
    private static func writeAliases(_ db: any SQLDatabase, _ user: User, replacing: Bool) async throws {
        if replacing {
            try await db.raw("DELETE FROM user_aliases WHERE pool_id = \(bind: user.poolID) AND username_key = \(bind: user.usernameKey)").run()
        }
        // An alias another user holds fails the insert (the table's primary key): no read first, which on
        // PostgreSQL would lock the index page against every concurrent insert (see `userConflict`).
        for alias in user.aliasKeys {
            try await db.raw(
                """
                INSERT INTO user_aliases (pool_id, alias_key, username_key)
                VALUES (\(bind: user.poolID), \(bind: alias), \(bind: user.usernameKey))
                """
            ).run()
        }
    }

    /// What a unique violation of a user's write names: "alias" (user_aliases' primary key), "sub", or
    /// "username" (users' primary key). The engines name the violated constraint (PostgreSQL) or its columns
    /// (SQLite). The database's keys decide, not a read before the insert: on PostgreSQL a read that finds
    /// no row locks the index page it looked in, so concurrent creates would refuse each other's inserts.
    static func userConflict(_ key: String) -> String {
        if key.contains("user_aliases") { return "alias" }
        if key.contains("sub") { return "sub" }
        return "username"
    }

    public func createUser(_ user: User) async throws {
        let data = Self.userData(user)
        do {
            try await insertUser(user, data: data)
        } catch StorageError.alreadyExists(let key) {
            throw StorageError.alreadyExists(key: Self.userConflict(key))
        }
    }

    private func insertUser(_ user: User, data: Data) async throws {
        try await transaction { db in
            guard try await db.raw("SELECT 1 AS one FROM user_pools WHERE id = \(bind: user.poolID)").first() != nil else {
                throw StorageError.notFound
            }
            try await Self.insertUserRow(db, user, data: data)
            try await Self.writeAliases(db, user, replacing: false)
            try await self.recordChanges(db, poolID: user.poolID, [RecoveryJournalEntry(kind: .user, key: user.usernameKey, before: nil)])
        } committed: { _ in
            self.cache.adjustUserCount(user.poolID, by: 1)
            self.cache(user)
        }
    }

    /// The user's row with its indexed columns (aliases apart).
    static func insertUserRow(_ db: any SQLDatabase, _ user: User, data: Data) async throws {
        let v = indexedFields.map { user.filterValue($0) }
        try await db.raw(
            """
            INSERT INTO users (pool_id, username_key, sub, email, phone_number, name, given_name, family_name,
                preferred_username, user_status, enabled_status, data)
            VALUES (\(bind: user.poolID), \(bind: user.usernameKey), \(bind: user.sub), \(bind: v[0]), \(bind: v[1]),
                \(bind: v[2]), \(bind: v[3]), \(bind: v[4]), \(bind: v[5]), \(bind: v[6] ?? ""), \(bind: v[7] ?? ""), \(bind: data))
            """
        ).run()
    }

    public func user(poolID: String, usernameKey: String) async throws -> User {
        try await readUser(cached: users[Self.userKey(poolID, usernameKey)], .userByUsernameKey, [poolID, usernameKey])
    }

    public func user(poolID: String, sub: String) async throws -> User {
        try await readUser(cached: users.value(secondKey: Self.subKey(poolID, sub)), .userBySub, [poolID, sub])
    }

    /// The cached user, else the one `read` reads, cached unless a write came since the read began.
    private func readUser(cached: User?, _ read: KeyedRead, _ keys: [String]) async throws -> User {
        if let cached { return cached }
        let generation = users.generation
        guard let user = try await rows(read, keys, decode: Self.user(row:)).first else { throw StorageError.notFound }
        fill(user, since: generation)
        return user
    }

    public func user(poolID: String, aliasKey: String) async throws -> User {
        try await readUser(cached: nil, .userByAlias, [poolID, aliasKey])
    }

    public func listUsers(poolID: String, filter: UserFilter?, _ page: PageRequest) async throws -> Page<User> {
        if let filter, filter.field != .username {
            let column = Self.column(filter.field)
            let after = try PageToken.decode(page.token, parts: 2)
            var q = usersSelect(poolID: poolID)
            q.appendMatch(column, filter.match, filter.value)
            q.appendPage(after: after, orderedBy: [column, "username_key"])
            return try userPage(poolID: poolID, try await rowsBringingEpoch(q, limit: page.limit), limit: page.limit) {
                [$0.filterValue(filter.field) ?? "", $0.usernameKey]
            }
        }
        let after = try PageToken.decode(page.token, parts: 1)
        guard let filter else {
            // The listing every console and sync job pages through: a keyed read.
            let limit = String(page.limit + 1)
            let rows: [any SQLRow]
            if let after {
                rows = try await self.rows(.usersPageAfter, [poolID, after[0], limit]) { $0 }
            } else {
                rows = try await self.rows(.usersPage, [poolID, limit]) { $0 }
            }
            return try userPage(poolID: poolID, rows, limit: page.limit) { [$0.usernameKey] }
        }
        var q = usersSelect(poolID: poolID)
        q.appendMatch("username_key", filter.match, filter.value)
        q.appendPage(after: after, orderedBy: ["username_key"])
        return try userPage(poolID: poolID, try await rowsBringingEpoch(q, limit: page.limit), limit: page.limit) { [$0.usernameKey] }
    }

    /// A filtered listing's query: `username_key, data`, and on a shared database the cache epoch.
    private func usersSelect(poolID: String) -> SQLQueryString {
        "SELECT \(unsafeRaw: engine.epochSelection ?? "")username_key, data FROM users WHERE pool_id = \(bind: poolID)"
    }

    /// The rows of a listing's query, one more than `limit`; the epoch they bring checks the caches (as a
    /// keyed read's does).
    private func rowsBringingEpoch(_ query: SQLQueryString, limit: Int) async throws -> [any SQLRow] {
        var q = query
        q.appendInterpolation(unsafeRaw: " LIMIT \(limit + 1)")
        let rows = try await read { [q] db in try await db.raw(q).all() }
        if engine.epochSelection != nil, let first = rows.first {
            try observe(epoch: try first.decode(column: KeyedRows<Int>.epochColumn, as: Int64.self))
        }
        return rows
    }

    /// A page of users from the rows of a query asking for one more than `limit`.
    private func userPage(poolID: String, _ rows: [any SQLRow], limit: Int, key: (User) -> [String]) throws -> Page<User> {
        var items: [User] = []
        items.reserveCapacity(min(rows.count, limit))
        // The row past the limit only tells that there is a next page: it is not decoded.
        for row in rows.prefix(limit) {
            let name = try row.decode(column: "username_key", as: String.self)
            if let cached = users[Self.userKey(poolID, name)] {
                items.append(cached)
            } else {
                items.append(try Self.user(row: row))
            }
        }
        let next = rows.count > limit ? items.last.map { PageToken.encode(key($0)) } : nil
        return Page(items: items, nextToken: next)
    }

    public func countUsers(poolID: String) async throws -> Int {
        let known = cache.userCount(poolID)
        if let count = known.count, !known.read { return count }
        let generation = cache.generation
        do {
            return try await read { db in
                let count =
                    try await db.raw("SELECT COUNT(*) AS n FROM users WHERE pool_id = \(bind: poolID)")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
                self.cache.storeUserCount(count, poolID: poolID, since: generation)
                return count
            }
        } catch {
            cache.countFailed(poolID)
            throw error
        }
    }

    public func updateUser(poolID: String, usernameKey: String, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
        do {
            return try await changeUser(poolID: poolID, usernameKey: usernameKey, change)
        } catch StorageError.alreadyExists(let key) {
            throw StorageError.alreadyExists(key: Self.userConflict(key))
        }
    }

    private func changeUser(poolID: String, usernameKey: String, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
        try await transaction { db in
            // Read from the database, never the cache: an earlier transaction of the same group commit may
            // have changed this user, and the cache learns of it only after the commit.
            var user = try await Self.oneUser(db, "SELECT data FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            let original = user
            try change(&user)
            // Identity columns never change through an update.
            user.poolID = poolID
            user.usernameKey = usernameKey
            // Only a change to what a recovery restores is journaled (and paused by one): sign-in's counters are not.
            if original.recoverable != user.recoverable {
                try await self.recordChanges(
                    db, poolID: poolID, [RecoveryJournalEntry(kind: .user, key: usernameKey, before: Self.userData(original))])
            }
            let data = Self.userData(user)
            let v = Self.indexedFields.map { user.filterValue($0) }
            try await db.raw(
                """
                UPDATE users SET email = \(bind: v[0]), phone_number = \(bind: v[1]), name = \(bind: v[2]),
                    given_name = \(bind: v[3]), family_name = \(bind: v[4]), preferred_username = \(bind: v[5]),
                    user_status = \(bind: v[6] ?? ""), enabled_status = \(bind: v[7] ?? ""), data = \(bind: data)
                WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)
                """
            ).run()
            if original.aliasKeys != user.aliasKeys {
                try await Self.writeAliases(db, user, replacing: true)
            }
            return user
        } committed: {
            self.cache($0)
        }
    }

    public func deleteUser(poolID: String, usernameKey: String) async throws {
        try await transaction { db in
            let stored = try await Self.oneUser(db, "SELECT data FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            try await self.recordChanges(
                db, poolID: poolID,
                [RecoveryJournalEntry(kind: .user, key: usernameKey, before: Self.userData(stored))]
                    + (try await Self.membershipEntries(db, poolID: poolID, user: usernameKey)))
            try await db.raw("DELETE FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)").run()
        } committed: { _ in
            self.cache.adjustUserCount(poolID, by: -1)
            self.users.forget(Self.userKey(poolID, usernameKey))
            self.refreshTokens.forgetAll { $0.poolID == poolID && $0.usernameKey == usernameKey }
        }
    }
}
