import SQLKit

/// The reads by key that sign-ins, token checks and listings make on every request, by name, so that an
/// engine can run each as a statement it prepared once per connection (`SQLEngine.rows`). Each is text
/// around its text-typed keys, written once here for every engine; a page's size is a key too, cast.
public enum KeyedRead: Sendable, CaseIterable {
    case userByUsernameKey
    case userBySub
    case userByAlias
    case refreshTokenByHash
    case refreshTokenByOrigin
    /// Keys: pool, limit. A pool's users by username, with `username_key` beside `data`.
    case usersPage
    /// Keys: pool, the last username of the page before, limit.
    case usersPageAfter
    /// Keys: pool, username, limit. The user's row joined to their groups: no row when there is no such
    /// user, one row with a null `data` when they are in no group (or none past the page token).
    case groupsOfMember
    /// Keys: the last group of the page before, pool, username, limit.
    case groupsOfMemberAfter

    /// The SQL around the keys: one more piece than there are keys.
    public var pieces: [String] {
        switch self {
        case .userByUsernameKey: return ["SELECT data FROM users WHERE pool_id = ", " AND username_key = ", ""]
        case .userBySub: return ["SELECT data FROM users WHERE pool_id = ", " AND sub = ", ""]
        case .userByAlias:
            return [
                """
                SELECT u.data AS data FROM user_aliases a
                JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
                WHERE a.pool_id = 
                """,
                " AND a.alias_key = ", "",
            ]
        case .refreshTokenByHash: return ["SELECT data FROM refresh_tokens WHERE token_hash = ", ""]
        case .refreshTokenByOrigin: return ["SELECT data FROM refresh_tokens WHERE origin_jti = ", ""]
        case .usersPage:
            return ["SELECT username_key, data FROM users WHERE pool_id = ", " ORDER BY username_key LIMIT CAST(", " AS BIGINT)"]
        case .usersPageAfter:
            return [
                "SELECT username_key, data FROM users WHERE pool_id = ", " AND username_key > ",
                " ORDER BY username_key LIMIT CAST(", " AS BIGINT)",
            ]
        case .groupsOfMember:
            return [Self.memberships + " WHERE u.pool_id = ", " AND u.username_key = ", " ORDER BY x.group_name LIMIT CAST(", " AS BIGINT)"]
        case .groupsOfMemberAfter:
            return [
                Self.memberships + " AND x.group_name > ", " WHERE u.pool_id = ", " AND u.username_key = ",
                " ORDER BY x.group_name LIMIT CAST(", " AS BIGINT)",
            ]
        }
    }

    private static let memberships = """
        SELECT x.data AS data FROM users u
        LEFT JOIN (SELECT m.pool_id, m.username_key, m.group_name, g.data FROM group_members m
                   JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name) x
          ON x.pool_id = u.pool_id AND x.username_key = u.username_key
        """

    public var keyCount: Int { pieces.count - 1 }

    /// The text with `placeholder(n)` for the n-th key (from 1), as PostgreSQL's `$n`.
    public func text(placeholder: (Int) -> String) -> String {
        var text = pieces[0]
        for n in 1..<pieces.count { text += placeholder(n) + pieces[n] }
        return text
    }

    /// The query with `keys` bound, for any SQLKit database.
    public func query(_ keys: [String]) -> SQLQueryString {
        precondition(keys.count == keyCount, "\(self) reads by \(keyCount) keys")
        var query = SQLQueryString(pieces[0])
        for (n, key) in keys.enumerated() {
            query.appendInterpolation(bind: key)
            query.appendInterpolation(unsafeRaw: pieces[n + 1])
        }
        return query
    }
}

/// A keyed read's answer: its rows, and on a shared database the cache epoch the same statement read
/// (nil when it found no row, or one process owns the database).
public struct KeyedRows<T: Sendable>: Sendable {
    public var rows: [T]
    public var epoch: Int64?

    /// The column a row brings the cache epoch in (`SQLEngine.epochSelection`).
    public static var epochColumn: String { "cognate_epoch" }

    public init(rows: [T], epoch: Int64?) {
        self.rows = rows
        self.epoch = epoch
    }
}
