import CognateStorage
import Foundation
import Metrics
import SQLKit
import Synchronization

/// The storage protocol over SQLKit. The SQL is written once against `SQLDatabase`; binds are rendered
/// by the connection's dialect, and what differs between databases (transactions, reads, migrations and
/// the schema) is the `SQLEngine`'s: `SQLiteEngine` (one writer with group commit, read-only connections)
/// or `PostgresEngine` (a connection pool, serializable transactions retried on conflict).
///
/// Pools, clients, users and refresh tokens are cached in memory when the engine says one process owns
/// the database (SQLite); on a database several nodes share there is no cache, so no node is ever behind
/// another's write. The one figure a shared node keeps is a pool's user count (EstimatedNumberOfUsers), for
/// two seconds: see `RecordCache`.
public final class SQLStorage: Storage {
    let engine: any SQLEngine
    let cache: RecordCache
    let liveLimits: LiveLimits

    /// Bounds on the records anyone may make a pool keep, without signing in: sign-in sessions (SRP's first
    /// step, challenges) and sign-ins waiting at identity providers. Past them, such writes are refused
    /// (`StorageError.capacityReached`) until records expire.
    public struct LiveLimits: Sendable {
        public var authSessions: Int
        public var federationStates: Int

        public init(authSessions: Int = AuthSession.maxLivePerPool, federationStates: Int = FederationState.maxLivePerPool) {
            self.authSessions = authSessions
            self.federationStates = federationStates
        }
    }
    /// Decoded users by pool and username key, also found by pool and sub.
    private let users: FIFOCache<User>
    /// Decoded refresh tokens by hash, also found by origin_jti (every presented access token is checked).
    private let refreshTokens: FIFOCache<RefreshTokenRecord>
    /// Sessions created since start: every `sessionsPerSweep`-th also removes the expired ones.
    private let sessionsCreated = Atomic<Int>(0)
    static let sessionsPerSweep = 64
    /// How long reads and write transactions take, from the call to the answer (a write includes its wait
    /// for a group commit's fsync): `cognate_storage_duration_seconds` at /metrics. Made once, so that no
    /// call looks up the metrics factory.
    private let readTimer = Timer(label: "cognate_storage_duration_seconds", dimensions: [("kind", "read")], preferredDisplayUnit: .seconds)
    private let writeTimer = Timer(label: "cognate_storage_duration_seconds", dimensions: [("kind", "write")], preferredDisplayUnit: .seconds)

    /// - Parameters:
    ///   - engine: how the SQL runs on this database.
    ///   - cachedUsers: how many decoded users to keep in memory (0 turns the user cache off); ignored, and
    ///     every cache off, when the engine's database is shared.
    ///   - liveLimits: how many live records of a pool the families anonymous callers fill may hold.
    public init(engine: any SQLEngine, cachedUsers: Int = 20_000, liveLimits: LiveLimits = .init()) {
        self.engine = engine
        self.liveLimits = liveLimits
        let capacity = engine.isShared ? 0 : cachedUsers
        self.cache = RecordCache(enabled: !engine.isShared)
        self.users = FIFOCache(capacity: capacity) { Self.subKey($0.poolID, $0.sub) }
        self.refreshTokens = FIFOCache(capacity: capacity) { $0.originJTI }
    }

    /// Closes the connections once every queued transaction has finished.
    public func close() async throws {
        try await engine.close()
    }

    // MARK: Plumbing

    static func userKey(_ poolID: String, _ usernameKey: String) -> String { poolID + "\u{0}" + usernameKey }
    static func subKey(_ poolID: String, _ sub: String) -> String { poolID + "\u{0}sub\u{0}" + sub }

    /// After a commit.
    private func cache(_ user: User) { users.store(user, key: Self.userKey(user.poolID, user.usernameKey)) }
    /// After a read: kept only if no writer changed the cache since `generation`.
    private func fill(_ user: User, since generation: UInt64) {
        users.fill(user, key: Self.userKey(user.poolID, user.usernameKey), since: generation)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. `committed`
    /// runs after the commit (the place to update the caches). Answered only once the changes are durable.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
        committed: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        let started = ContinuousClock.now
        defer { writeTimer.record(duration: ContinuousClock.now - started) }
        return try await engine.write(body, committed: committed)
    }

    /// Runs a read. A read that fills a cache takes the cache's generation before calling this (see `FIFOCache`).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { readTimer.record(duration: ContinuousClock.now - started) }
        return try await engine.read(body)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func record<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static func one<T: Decodable>(_ type: T.Type, _ db: any SQLDatabase, _ query: SQLQueryString) async throws -> T {
        guard let json = try await db.raw(query).first(decodingColumn: "data", as: String.self) else {
            throw StorageError.notFound
        }
        return try record(T.self, json)
    }

    static func page<T: Decodable & Sendable>(
        _ type: T.Type, _ db: any SQLDatabase, _ query: SQLQueryString, limit: Int, key: (T) -> [String]
    ) async throws -> Page<T> {
        try await page(db, query, limit: limit, decode: { try record(T.self, try $0.decode(column: "data", as: String.self)) }, key: key)
    }

    private static func page<T: Sendable>(
        _ db: any SQLDatabase, _ query: SQLQueryString, limit: Int, decode: (any SQLRow) throws -> T, key: (T) -> [String]
    ) async throws -> Page<T> {
        var q = query
        q.appendInterpolation(unsafeRaw: " LIMIT \(limit + 1)")
        let rows = try await db.raw(q).all()
        // The row past the limit only tells that there is a next page: it is not decoded.
        let items = try rows.prefix(limit).map(decode)
        let next = rows.count > limit ? items.last.map { PageToken.encode(key($0)) } : nil
        return Page(items: items, nextToken: next)
    }

    // MARK: Users' stored form

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

    // MARK: Migrations

    public func migrate() async throws {
        try await engine.migrate()
    }

    /// The schema as the database lists it (see `SchemaDescription`).
    public func describeSchema() async throws -> SchemaDescription {
        try await read { db in try await self.engine.describeSchema(db) }
    }

    // MARK: User pools

    public func createUserPool(_ pool: UserPool) async throws {
        let data = try Self.json(pool)
        try await transaction { db in
            try await db.raw("INSERT INTO user_pools (id, name, data) VALUES (\(bind: pool.id), \(bind: pool.name), \(bind: data))").run()
        } committed: { _ in
            self.cache.storeUserCount(0, poolID: pool.id)
        }
    }

    public func userPool(id: String) async throws -> UserPool {
        if let pool = cache.pool(id) { return pool }
        let generation = cache.generation
        return try await read { db in
            let pool = try await Self.one(UserPool.self, db, "SELECT data FROM user_pools WHERE id = \(bind: id)")
            self.cache.store(pool, since: generation)
            return pool
        }
    }

    public func listUserPools(_ page: PageRequest) async throws -> Page<UserPool> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM user_pools"
            if let after { q = "SELECT data FROM user_pools WHERE id > \(bind: after[0])" }
            q.appendInterpolation(unsafeRaw: " ORDER BY id")
            return try await Self.page(UserPool.self, db, q, limit: page.limit) { [$0.id] }
        }
    }

    public func updateUserPool(id: String, _ change: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool {
        try await transaction { db in
            var pool = try await Self.one(UserPool.self, db, "SELECT data FROM user_pools WHERE id = \(bind: id)")
            try change(&pool)
            pool.id = id
            let data = try Self.json(pool)
            try await db.raw("UPDATE user_pools SET name = \(bind: pool.name), data = \(bind: data) WHERE id = \(bind: id)").run()
            return pool
        } committed: {
            self.cache.store($0)
        }
    }

    public func deleteUserPool(id: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id AS data FROM user_pools WHERE id = \(bind: id)")
            try await db.raw("DELETE FROM user_pools WHERE id = \(bind: id)").run()
        } committed: { _ in
            self.cache.forgetPool(id)
            self.users.forgetAll { $0.poolID == id }
            self.refreshTokens.forgetAll { $0.poolID == id }
        }
    }

    static func requireRow(_ db: any SQLDatabase, _ query: SQLQueryString) async throws {
        guard try await db.raw(query).first() != nil else { throw StorageError.notFound }
    }

    /// Refuses a write to a family that anonymous callers fill once `count` (a query answering `n`) has
    /// reached `limit`. Read apart from the write's transaction: the bound is for floods, and may be passed
    /// by the writes that race it, while keeping concurrent sign-ins from conflicting over the count.
    func requireRoom(family: String, limit: Int, _ count: SQLQueryString) async throws {
        let live = try await read { db in try await db.raw(count).first(decodingColumn: "n", as: Int.self) ?? 0 }
        guard live < limit else { throw StorageError.capacityReached(family: family) }
    }

    // MARK: App clients

    public func createAppClient(_ client: AppClient) async throws {
        let data = try Self.json(client)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: client.poolID)")
            try await db.raw(
                """
                INSERT INTO app_clients (client_id, pool_id, data)
                VALUES (\(bind: client.clientID), \(bind: client.poolID), \(bind: data))
                """
            ).run()
        }
    }

    public func appClient(poolID: String, clientID: String) async throws -> AppClient {
        let client = try await appClient(clientID: clientID)
        guard client.poolID == poolID else { throw StorageError.notFound }
        return client
    }

    public func appClient(clientID: String) async throws -> AppClient {
        if let client = cache.client(clientID) { return client }
        let generation = cache.generation
        return try await read { db in
            let client = try await Self.one(AppClient.self, db, "SELECT data FROM app_clients WHERE client_id = \(bind: clientID)")
            self.cache.store(client, since: generation)
            return client
        }
    }

    public func listAppClients(poolID: String, _ page: PageRequest) async throws -> Page<AppClient> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID)"
            if let after { q = "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id > \(bind: after[0])" }
            q.appendInterpolation(unsafeRaw: " ORDER BY client_id")
            return try await Self.page(AppClient.self, db, q, limit: page.limit) { [$0.clientID] }
        }
    }

    public func updateAppClient(
        poolID: String, clientID: String, _ change: @escaping @Sendable (inout AppClient) throws -> Void
    ) async throws -> AppClient {
        try await transaction { db in
            var client = try await Self.one(
                AppClient.self, db, "SELECT data FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
            try change(&client)
            client.poolID = poolID
            client.clientID = clientID
            let data = try Self.json(client)
            try await db.raw("UPDATE app_clients SET data = \(bind: data) WHERE client_id = \(bind: clientID)").run()
            return client
        } committed: {
            self.cache.store($0)
        }
    }

    public func deleteAppClient(poolID: String, clientID: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT client_id FROM app_clients WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)")
            try await db.raw("DELETE FROM app_clients WHERE client_id = \(bind: clientID)").run()
            // The client's branding style goes with it.
            try await db.raw("DELETE FROM branding_styles WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID)").run()
        } committed: { _ in
            self.cache.forgetClient(clientID)
        }
    }

    // MARK: Users

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

    private static let indexedFields: [UserFilter.Field] = [
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
            let v = Self.indexedFields.map { user.filterValue($0) }
            try await db.raw(
                """
                INSERT INTO users (pool_id, username_key, sub, email, phone_number, name, given_name, family_name,
                    preferred_username, user_status, enabled_status, data)
                VALUES (\(bind: user.poolID), \(bind: user.usernameKey), \(bind: user.sub), \(bind: v[0]), \(bind: v[1]),
                    \(bind: v[2]), \(bind: v[3]), \(bind: v[4]), \(bind: v[5]), \(bind: v[6] ?? ""), \(bind: v[7] ?? ""), \(bind: data))
                """
            ).run()
            try await Self.writeAliases(db, user, replacing: false)
        } committed: { _ in
            self.cache.adjustUserCount(user.poolID, by: 1)
            self.cache(user)
        }
    }

    public func user(poolID: String, usernameKey: String) async throws -> User {
        if let user = users[Self.userKey(poolID, usernameKey)] { return user }
        let generation = users.generation
        return try await read { db in
            let user = try await Self.oneUser(db, "SELECT data FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            self.fill(user, since: generation)
            return user
        }
    }

    public func user(poolID: String, sub: String) async throws -> User {
        if let user = users.value(secondKey: Self.subKey(poolID, sub)) { return user }
        let generation = users.generation
        return try await read { db in
            let user = try await Self.oneUser(db, "SELECT data FROM users WHERE pool_id = \(bind: poolID) AND sub = \(bind: sub)")
            self.fill(user, since: generation)
            return user
        }
    }

    public func user(poolID: String, aliasKey: String) async throws -> User {
        let generation = users.generation
        return try await read { db in
            let user = try await Self.oneUser(
                db,
                """
                SELECT u.data AS data FROM user_aliases a
                JOIN users u ON u.pool_id = a.pool_id AND u.username_key = a.username_key
                WHERE a.pool_id = \(bind: poolID) AND a.alias_key = \(bind: aliasKey)
                """)
            self.fill(user, since: generation)
            return user
        }
    }

    public func listUsers(poolID: String, filter: UserFilter?, _ page: PageRequest) async throws -> Page<User> {
        if let filter, filter.field != .username {
            let column = Self.column(filter.field)
            let after = try PageToken.decode(page.token, parts: 2)
            return try await read { db in
                var q: SQLQueryString = "SELECT username_key, data FROM users WHERE pool_id = \(bind: poolID)"
                switch filter.match {
                case .equals:
                    q.appendInterpolation(unsafeRaw: " AND \(column) = ")
                    q.appendInterpolation(bind: filter.value)
                case .prefix:
                    q.appendInterpolation(unsafeRaw: " AND \(column) >= ")
                    q.appendInterpolation(bind: filter.value)
                    q.appendInterpolation(unsafeRaw: " AND \(column) < ")
                    q.appendInterpolation(bind: filter.value + "\u{10FFFF}")
                }
                if let after {
                    q.appendInterpolation(unsafeRaw: " AND (\(column) > ")
                    q.appendInterpolation(bind: after[0])
                    q.appendInterpolation(unsafeRaw: " OR (\(column) = ")
                    q.appendInterpolation(bind: after[0])
                    q.appendInterpolation(unsafeRaw: " AND username_key > ")
                    q.appendInterpolation(bind: after[1])
                    q.appendInterpolation(unsafeRaw: "))")
                }
                q.appendInterpolation(unsafeRaw: " ORDER BY \(column), username_key")
                return try await self.userPage(poolID: poolID, db, q, limit: page.limit) { [$0.filterValue(filter.field) ?? "", $0.usernameKey] }
            }
        }
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT username_key, data FROM users WHERE pool_id = \(bind: poolID)"
            if let filter {
                switch filter.match {
                case .equals:
                    q.appendInterpolation(unsafeRaw: " AND username_key = ")
                    q.appendInterpolation(bind: filter.value)
                case .prefix:
                    q.appendInterpolation(unsafeRaw: " AND username_key >= ")
                    q.appendInterpolation(bind: filter.value)
                    q.appendInterpolation(unsafeRaw: " AND username_key < ")
                    q.appendInterpolation(bind: filter.value + "\u{10FFFF}")
                }
            }
            if let after {
                q.appendInterpolation(unsafeRaw: " AND username_key > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY username_key")
            return try await self.userPage(poolID: poolID, db, q, limit: page.limit) { [$0.usernameKey] }
        }
    }

    /// A page of users from rows of `username_key, data`: users in the cache are not decoded again.
    private func userPage(
        poolID: String, _ db: any SQLDatabase, _ query: SQLQueryString, limit: Int, key: (User) -> [String]
    ) async throws -> Page<User> {
        var q = query
        q.appendInterpolation(unsafeRaw: " LIMIT \(limit + 1)")
        let rows = try await db.raw(q).all()
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
            let before = user.aliasKeys
            try change(&user)
            // Identity columns never change through an update.
            user.poolID = poolID
            user.usernameKey = usernameKey
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
            if before != user.aliasKeys {
                try await Self.writeAliases(db, user, replacing: true)
            }
            return user
        } committed: {
            self.cache($0)
        }
    }

    public func deleteUser(poolID: String, usernameKey: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT sub FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)")
            try await db.raw("DELETE FROM users WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)").run()
        } committed: { _ in
            self.cache.adjustUserCount(poolID, by: -1)
            self.users.forget(Self.userKey(poolID, usernameKey))
            self.refreshTokens.forgetAll { $0.poolID == poolID && $0.usernameKey == usernameKey }
        }
    }

    // MARK: Groups

    static let groups = PoolDocumentTable<Group>(
        table: "groups", keyColumn: "name", poolID: \.poolID, key: \.name,
        keep: { stored, changed in
            changed.poolID = stored.poolID
            changed.name = stored.name
        },
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

    // MARK: Group membership

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
            if let after {
                q.appendInterpolation(unsafeRaw: " AND m.group_name > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY m.group_name")
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
            if let after {
                q.appendInterpolation(unsafeRaw: " AND m.username_key > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY m.username_key")
            return try await Self.page(db, q, limit: page.limit, decode: Self.user(row:)) { [$0.usernameKey] }
        }
    }

    // MARK: Signing keys

    public func ensureSigningKey(_ candidate: SigningKey) async throws -> SigningKey {
        let data = try Self.json(candidate)
        return try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: candidate.poolID)")
            if let existing = try await db.raw(
                """
                SELECT data FROM signing_keys WHERE pool_id = \(bind: candidate.poolID) ORDER BY created_at DESC LIMIT 1
                """
            ).first(decodingColumn: "data", as: String.self) {
                return try Self.record(SigningKey.self, existing)
            }
            try await db.raw(
                """
                INSERT INTO signing_keys (pool_id, kid, created_at, data)
                VALUES (\(bind: candidate.poolID), \(bind: candidate.kid), \(bind: candidate.createdAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            return candidate
        }
    }

    public func signingKeys(poolID: String) async throws -> [SigningKey] {
        try await read { db in
            try await db.raw("SELECT data FROM signing_keys WHERE pool_id = \(bind: poolID) ORDER BY created_at DESC")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(SigningKey.self, $0) }
        }
    }

    // MARK: Authentication sessions

    public func createSession(_ session: AuthSession) async throws {
        let data = try Self.json(session)
        let sweep = sessionsCreated.add(1, ordering: .relaxed).oldValue % Self.sessionsPerSweep == 0
        let cutoff = session.expiresAt.timeIntervalSince1970 - AuthSession.maxLifetime
        try await requireRoom(
            family: "sign-in sessions", limit: liveLimits.authSessions,
            "SELECT COUNT(*) AS n FROM auth_sessions WHERE pool_id = \(bind: session.poolID) AND expires_at > \(bind: cutoff)")
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO auth_sessions (id, pool_id, expires_at, data)
                VALUES (\(bind: session.id), \(bind: session.poolID), \(bind: session.expiresAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            // Sessions are short-lived; sweeping the expired ones now and then keeps the table small. A new
            // session expires at most `maxSessionLifetime` from now, so whatever expires that long before it
            // has expired already.
            if sweep {
                try await db.raw("DELETE FROM auth_sessions WHERE expires_at < \(bind: cutoff)").run()
            }
        }
    }

    public func takeSession(id: String) async throws -> AuthSession {
        try await transaction { db in
            try await Self.one(AuthSession.self, db, "DELETE FROM auth_sessions WHERE id = \(bind: id) RETURNING data")
        }
    }

    // MARK: Refresh tokens

    public func createRefreshToken(_ record: RefreshTokenRecord) async throws {
        let data = try Self.json(record)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO refresh_tokens (token_hash, pool_id, username_key, origin_jti, data)
                VALUES (\(bind: record.tokenHash), \(bind: record.poolID), \(bind: record.usernameKey), \(bind: record.originJTI), \(bind: data))
                """
            ).run()
        } committed: {
            self.refreshTokens.store(record, key: record.tokenHash)
        }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord {
        if let record = refreshTokens[hash] { return record }
        let generation = refreshTokens.generation
        return try await read { db in
            let record = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE token_hash = \(bind: hash)")
            self.refreshTokens.fill(record, key: record.tokenHash, since: generation)
            return record
        }
    }

    public func refreshToken(originJTI: String) async throws -> RefreshTokenRecord {
        if let record = refreshTokens.value(secondKey: originJTI) { return record }
        let generation = refreshTokens.generation
        return try await read { db in
            let record = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE origin_jti = \(bind: originJTI)")
            self.refreshTokens.fill(record, key: record.tokenHash, since: generation)
            return record
        }
    }

    public func refreshTokens(poolID: String, usernameKey: String) async throws -> [RefreshTokenRecord] {
        try await read { db in
            try await db.raw(
                """
                SELECT data FROM refresh_tokens WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)
                """
            ).all(decodingColumn: "data", as: String.self)
                .map { try Self.record(RefreshTokenRecord.self, $0) }
                .sorted { ($0.issuedAt, $0.tokenHash) > ($1.issuedAt, $1.tokenHash) }
        }
    }

    public func revokeRefreshTokens(poolID: String, usernameKey: String) async throws -> Int {
        try await transaction { db -> [RefreshTokenRecord] in
            let rows = try await db.raw(
                """
                SELECT data FROM refresh_tokens WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)
                """
            ).all(decodingColumn: "data", as: String.self)
            var revoked: [RefreshTokenRecord] = []
            for json in rows {
                var record = try Self.record(RefreshTokenRecord.self, json)
                if record.revoked { continue }
                record.revoked = true
                let data = try Self.json(record)
                try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: record.tokenHash)").run()
                revoked.append(record)
            }
            return revoked
        } committed: { revoked in
            for record in revoked { self.refreshTokens.store(record, key: record.tokenHash) }
        }.count
    }

    public func revokeRefreshToken(hash: String) async throws {
        try await transaction { db in
            var record = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE token_hash = \(bind: hash)")
            record.revoked = true
            let data = try Self.json(record)
            try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: hash)").run()
            return record
        } committed: {
            self.refreshTokens.store($0, key: $0.tokenHash)
        }
    }

    public func markRotated(hash: String, at date: Date) async throws -> RefreshTokenRecord {
        try await transaction { db -> (before: RefreshTokenRecord, after: RefreshTokenRecord) in
            let before = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE token_hash = \(bind: hash)")
            guard before.rotatedAt == nil else { return (before, before) }
            var record = before
            record.rotatedAt = date
            let data = try Self.json(record)
            try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: hash)").run()
            return (before, record)
        } committed: {
            self.refreshTokens.store($0.after, key: $0.after.tokenHash)
        }.before
    }

    // MARK: Outbox

    public func appendMessage(_ message: OutboxMessage) async throws -> OutboxMessage {
        try await transaction { db in
            let next = try await db.raw("SELECT COALESCE(MAX(sequence), 0) + 1 AS n FROM outbox").first(decodingColumn: "n", as: Int64.self) ?? 1
            var stored = message
            stored.sequence = next
            let data = try Self.json(stored)
            try await db.raw(
                """
                INSERT INTO outbox (sequence, pool_id, recipient, data)
                VALUES (\(bind: next), \(bind: stored.poolID), \(bind: stored.recipient), \(bind: data))
                """
            ).run()
            if next % 64 == 0 {
                try await db.raw("DELETE FROM outbox WHERE sequence <= \(bind: next - Int64(OutboxMessage.retained))").run()
            }
            return stored
        }
    }

    public func listMessages(poolID: String?, recipient: String?) async throws -> [OutboxMessage] {
        try await read { db in
            var q: SQLQueryString = "SELECT data FROM outbox WHERE 1 = 1"
            if let poolID {
                q.appendInterpolation(unsafeRaw: " AND pool_id = ")
                q.appendInterpolation(bind: poolID)
            }
            if let recipient {
                q.appendInterpolation(unsafeRaw: " AND recipient = ")
                q.appendInterpolation(bind: recipient)
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY sequence")
            return try await db.raw(q).all(decodingColumn: "data", as: String.self).map { try Self.record(OutboxMessage.self, $0) }
        }
    }

    // MARK: Maintenance

    public func reset() async throws {
        try await transaction { [engine] db in
            // Every table the schema has: foreign keys cascade, so the order does not matter.
            for table in try await engine.tables(db) {
                try await db.raw("DELETE FROM \(ident: table)").run()
            }
        } committed: { _ in
            self.cache.clear()
            self.users.clear()
            self.refreshTokens.clear()
        }
    }
}
