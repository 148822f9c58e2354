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
/// the database (SQLite). On a database several nodes share, pools, app clients and domains are cached and
/// checked once per request against the database's cache epoch, so that no node is behind a write another
/// acknowledged before the request (see `RecordCache`); users and refresh tokens, which sign-ins change,
/// are not; a pool's user count (EstimatedNumberOfUsers) is kept for two seconds.
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
    let users: FIFOCache<User>
    /// Decoded refresh tokens by hash, also found by origin_jti (every presented access token is checked).
    let refreshTokens: FIFOCache<RefreshTokenRecord>
    /// The recovery journal's switch and clock (see `PointInTimeRecoveryStorage`).
    let journalSettings = Mutex(JournalSettings())
    /// Sessions created since start: every `sessionsPerSweep`-th also removes the expired ones.
    let sessionsCreated = Atomic<Int>(0)
    static let sessionsPerSweep = 64
    /// How long reads and write transactions take, from the call to the answer (a write includes its wait
    /// for a group commit's fsync): `cognate_storage_duration_seconds` at /metrics. Made once, so that no
    /// call looks up the metrics factory.
    let readTimer = Timer(label: "cognate_storage_duration_seconds", dimensions: [("kind", "read")], preferredDisplayUnit: .seconds)
    let writeTimer = Timer(label: "cognate_storage_duration_seconds", dimensions: [("kind", "write")], preferredDisplayUnit: .seconds)

    /// - Parameters:
    ///   - engine: how the SQL runs on this database.
    ///   - cachedUsers: how many decoded users to keep in memory (0 turns the user cache off); ignored, and
    ///     every cache off, when the engine's database is shared.
    ///   - liveLimits: how many live records of a pool the families anonymous callers fill may hold.
    public init(engine: any SQLEngine, cachedUsers: Int = 20_000, liveLimits: LiveLimits = .init()) {
        self.engine = engine
        self.liveLimits = liveLimits
        let capacity = engine.isShared ? 0 : cachedUsers
        self.cache = RecordCache(shared: engine.isShared)
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
    func cache(_ user: User) { users.store(user, key: Self.userKey(user.poolID, user.usernameKey)) }
    /// After a read: kept only if no writer changed the cache since `generation`.
    func fill(_ user: User, since generation: UInt64) {
        users.fill(user, key: Self.userKey(user.poolID, user.usernameKey), since: generation)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. `committed`
    /// runs after the commit (the place to update the caches). Answered only once the changes are durable.
    /// `changingCachedRecords`: the body changes pools, app clients or domains, which every node caches; on a
    /// shared database the transaction then advances the cache epoch, so that other nodes drop their entries.
    func transaction<T: Sendable>(
        changingCachedRecords: Bool = false,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
        committed: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        try await confirmCachedAnswers()
        let started = ContinuousClock.now
        defer { writeTimer.record(duration: ContinuousClock.now - started) }
        guard changingCachedRecords && cache.shared else { return try await engine.write(body, committed: committed) }
        let (result, _) = try await engine.write(
            { [engine] db in
                // First, so that a writer waiting on the count has done no work it must repeat.
                let epoch = try await engine.advanceCacheEpoch(db)
                return (try await body(db), epoch)
            },
            committed: { [cache] result, epoch in
                committed(result)
                if let epoch { cache.advance(to: epoch) }
            })
        return result
    }

    /// Before a cached read: on a shared database, checks the entries against the cache epoch read after the
    /// request began (once per request), or provisionally against the epoch they were last checked at, to be
    /// confirmed by the request's later reads (see `CacheValidation`).
    /// Answers the epoch (nil on a database one process owns).
    @discardableResult
    func validateCache() async throws -> Int64? {
        guard cache.shared else { return nil }
        let read: @Sendable () async throws -> Int64 = { [engine, cache] in
            let epoch = try await engine.cacheEpoch() ?? 0
            cache.validate(epoch: epoch)
            return epoch
        }
        let epoch: Int64
        if let validation = CacheValidation.current {
            epoch = try await validation.epoch(cached: cache.epoch, read)
        } else {
            epoch = try await read()
        }
        cache.validate(epoch: epoch)
        return epoch
    }

    /// Before a write: a request's provisional cached answers are confirmed (or it is found stale, and
    /// runs again) before it changes anything.
    func confirmCachedAnswers() async throws {
        guard cache.shared else { return }
        try await CacheValidation.confirmCurrent()
    }

    public func sharedChangeCount() async throws -> Int64? {
        try await validateCache()
    }

    /// Runs a read. A read that fills a cache takes the cache's generation before calling this (see `FIFOCache`).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { readTimer.record(duration: ContinuousClock.now - started) }
        return try await engine.read(body)
    }

    /// Runs a keyed read (see `KeyedRead`), timed as any read.
    /// On a shared database the read brings the cache epoch: the caches are checked against it, and it
    /// confirms (or finds stale) the request's provisional cached answers.
    func rows<T: Sendable>(_ read: KeyedRead, _ keys: [String], decode: @escaping @Sendable (any SQLRow) throws -> T) async throws -> [T] {
        let started = ContinuousClock.now
        defer { readTimer.record(duration: ContinuousClock.now - started) }
        let answer = try await engine.rows(read, keys, decode: decode)
        if let epoch = answer.epoch { try observe(epoch: epoch) }
        return answer.rows
    }

    /// A cache epoch a read brought: the caches are checked against it, and it confirms (or finds stale)
    /// the request's provisional cached answers.
    func observe(epoch: Int64) throws {
        cache.validate(epoch: epoch)
        try CacheValidation.current?.observe(epoch)
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

    static func page<T: Sendable>(
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

    // MARK: Migrations

    public func migrate() async throws {
        try await engine.migrate()
    }

    /// The schema as the database lists it (see `SchemaDescription`).
    public func describeSchema() async throws -> SchemaDescription {
        try await read { db in try await self.engine.describeSchema(db) }
    }

    // MARK: Maintenance

    public func reset() async throws {
        try await transaction(changingCachedRecords: true) { [engine] db in
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
