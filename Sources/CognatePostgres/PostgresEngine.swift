import CognateSQL
import CognateStorage
import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// PostgreSQL under `SQLStorage`, for one or several Cognate nodes on one database. Every write is a
/// SERIALIZABLE transaction on a pooled connection: PostgreSQL refuses the later of two conflicting
/// transactions (a read-change-write on the same row by two nodes, two sign-ups of one name), and that one
/// runs again from the start against what the other committed, so no write is lost and every uniqueness
/// check sees the winner. A write is answered after its COMMIT returns, so it is durable (and on a
/// synchronous standby too when the server is set up so). Caches are checked against `cache_epoch`: `isShared`.
public final class PostgresEngine: SQLEngine {
    /// A connection pool and the task that runs it.
    final class Pool: Sendable {
        let client: PostgresClient
        let running: Task<Void, Never>
        let made = ContinuousClock.now

        init(_ configuration: PostgresClient.Configuration, logger: Logger) {
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            self.client = client
            running = Task { await client.run() }
        }
    }

    private let configuration: PostgresClient.Configuration
    /// The pool in use. After the server was unreachable a pool waits longer and longer between attempts
    /// to connect (up to a minute), so one that could not give a connection is replaced by a fresh one,
    /// which connects as soon as the server (or the standby that took its place) answers.
    private let pool: Mutex<Pool>
    /// The lease and answer deadlines of the requests in flight.
    let deadlines = Deadlines()
    let logger: Logger
    /// How many times a transaction PostgreSQL refused for a conflict runs again. Dozens of writers on one
    /// record of a busy two-core machine used up 12 now and then (seen in the conformance suite): 24, with the
    /// back-off capped at a quarter of a second, still ends within a few seconds.
    static let attempts = 24
    /// A pool is replaced at most this often.
    static let replaceAfter: Duration = .seconds(2)

    public var isShared: Bool { true }

    /// The count is kept in the engine's own table `cache_epoch`, beside `schema_migrations` and like it not
    /// the schema's: a reset leaves it, so that no node mistakes a restarted count for one it has seen.
    /// Every request that reads a cached record asks this once: a statement prepared once per connection.
    public func cacheEpoch() async throws -> Int64? {
        let leased = Leased()
        do {
            return try await withLease(leased) { connection in
                var value: Int64?
                for try await row in try await connection.execute(CacheEpochQuery(), logger: self.logger) { value = row }
                guard let value else { throw StorageError.unavailable("the cache_epoch row is missing") }
                return value
            }
        } catch {
            throw Self.translate(error, leased: leased.value)
        }
    }

    /// The row lock the update takes keeps the other writers of cached records waiting until this one
    /// commits (under SERIALIZABLE they then run again), so the counts follow the commits.
    public func advanceCacheEpoch(_ db: any SQLDatabase) async throws -> Int64? {
        guard
            let value = try await db.raw("UPDATE cache_epoch SET value = value + 1 WHERE id = 1 RETURNING value")
                .first(decodingColumn: "value", as: Int64.self)
        else { throw StorageError.unavailable("the cache_epoch row is missing") }
        return value
    }

    public func tables(_ db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('schema_migrations', 'cache_epoch')"
        )
        .all(decodingColumn: "tablename", as: String.self)
    }

    public func describeSchema(_ db: any SQLDatabase) async throws -> SchemaDescription {
        var tables: [String: [SchemaDescription.Column]] = [:]
        let columns = try await db.raw(
            """
            SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type,
                   (is_nullable = 'NO') AS not_null
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name NOT IN ('schema_migrations', 'cache_epoch')
            ORDER BY table_name, ordinal_position
            """
        ).all()
        for row in columns {
            let column = SchemaDescription.Column(
                name: try row.decode(column: "column_name", as: String.self), type: try row.decode(column: "data_type", as: String.self),
                notNull: try row.decode(column: "not_null", as: Bool.self))
            tables[try row.decode(column: "table_name", as: String.self), default: []].append(column)
        }
        // The indexes a migration made: not those behind a primary key or a UNIQUE constraint.
        let indexes = try await db.raw(
            """
            SELECT i.relname::text AS name, t.relname::text AS table_name, ix.indisunique AS is_unique,
                   array_to_string(ARRAY(
                       SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS columns
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND t.relname NOT IN ('schema_migrations', 'cache_epoch')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
            """
        ).all()
        var described: [String: SchemaDescription.Index] = [:]
        for row in indexes {
            let name = try row.decode(column: "name", as: String.self)
            described[name] = SchemaDescription.Index(
                name: name, table: try row.decode(column: "table_name", as: String.self),
                columns: try row.decode(column: "columns", as: String.self).split(separator: ",").map(String.init),
                unique: try row.decode(column: "is_unique", as: Bool.self))
        }
        return SchemaDescription(tables: tables, indexes: described)
    }

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        self.configuration = configuration
        self.logger = quiet
        pool = Mutex(Pool(configuration, logger: quiet))
    }

    var client: PostgresClient { pool.withLock { $0.client } }

    /// Puts a fresh pool in the place of `failed` (unless that happened already, or it is too young).
    func replace(_ failed: Pool) {
        let retired: Pool? = pool.withLock { current in
            guard current === failed, ContinuousClock.now - failed.made >= Self.replaceAfter else { return nil }
            current = Pool(configuration, logger: logger)
            return failed
        }
        if let retired {
            logger.notice("postgres: the database was unreachable; connecting anew")
            retired.running.cancel()
        }
    }

    public func close() async throws {
        deadlines.stop()
        let current = pool.withLock { $0 }
        current.running.cancel()
        _ = await current.running.value
    }

    public func write<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T, committed: @escaping @Sendable (T) -> Void
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let leased = Leased()
            do {
                let result: T = try await withLease(leased) { connection in
                    let db = connection.sql(queryLogLevel: .trace, logger: self.logger)
                    try await db.raw("BEGIN ISOLATION LEVEL SERIALIZABLE").run()
                    let result: T
                    do {
                        result = try await body(db)
                    } catch {
                        try? await db.raw("ROLLBACK").run()
                        throw error
                    }
                    // A COMMIT refused for a conflict leaves nothing written: the transaction may run again.
                    try await db.raw("COMMIT").run()
                    return result
                }
                committed(result)
                return result
            } catch let error as PSQLError where Self.isConflict(error) && attempt < Self.attempts {
                // Apart, so that the transactions that collided do not collide again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(4 << min(attempt, 6)))))
            } catch {
                throw Self.translate(error, leased: leased.value)
            }
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let leased = Leased()
        do {
            return try await withLease(leased) { connection in
                try await body(connection.sql(queryLogLevel: .trace, logger: self.logger))
            }
        } catch {
            throw Self.translate(error, leased: leased.value)
        }
    }

    public var epochSelection: String? { KeyedReadShapes.epochSelection }

    /// Each keyed read runs as a statement prepared once per connection (`KeyedReadStatement`), which also
    /// reads the cache epoch: a request's caches are checked in the round trip it makes anyway.
    public func rows<T: Sendable>(
        _ read: KeyedRead, _ keys: [String], decode: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> KeyedRows<T> {
        precondition(keys.count == read.keyCount, "\(read) reads by \(read.keyCount) keys")
        return try await rows(KeyedReadShapes.of(read), keys, decode: decode)
    }

    private func rows<Shape: KeyedReadShape, T: Sendable>(
        _ shape: Shape.Type, _ keys: [String], decode: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> KeyedRows<T> {
        let leased = Leased()
        let statement = KeyedReadStatement<Shape>(keys: keys)
        do {
            return try await withLease(leased) { connection in
                var answer = KeyedRows<T>(rows: [], epoch: nil)
                for try await row in try await connection.execute(statement, logger: self.logger) {
                    let row = row.sql()
                    if answer.epoch == nil { answer.epoch = try row.decode(column: KeyedRows<T>.epochColumn, as: Int64.self) }
                    answer.rows.append(try decode(row))
                }
                return answer
            }
        } catch {
            throw Self.translate(error, leased: leased.value)
        }
    }

    /// How long a request waits for a connection before it is told the database is unavailable (while the
    /// server is down the pool keeps trying to connect, for a minute before it gives up on its own).
    static let leaseTimeout: Duration = .seconds(5)

    /// Runs `body` on a pooled connection, or fails with `unavailable` when none comes within `leaseTimeout`.
    /// Once the connection is there, the body runs to its end: a transaction is never cut off half way.
    func withLease<R: Sendable>(_ leased: Leased, _ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        let current = pool.withLock { $0 }
        let client = current.client
        do {
            return try await lease(client, leased, body)
        } catch {
            // No connection came, or the one that came was lost: the next requests go to a fresh pool.
            if !leased.value || Self.isConnectionLoss(error) { replace(current) }
            throw error
        }
    }

    /// How long a transaction may wait for the server once it has its connection. A connection whose server
    /// vanished without closing it (a failover behind a proxy or a virtual address) would otherwise keep its
    /// request waiting for ever; past this the request is told the database is unavailable and the
    /// connection is closed. (Whether a write whose COMMIT went unanswered was made cannot be known; it is
    /// answered as an error, as any unanswered commit must be.)
    static let answerTimeout: Duration = .seconds(30)

    /// The lease races a deadline without waiting for it: a pool that cannot connect may keep a lease
    /// request waiting for a minute whatever the caller's task says, so the caller is answered when the
    /// deadline passes, and a connection that comes after that is given back unused (the body never runs: a
    /// write the caller was told failed is not made behind its back). Once leased, the body has
    /// `answerTimeout`. Both deadlines are entries in `deadlines`, not timers of their own.
    private func lease<R: Sendable>(
        _ client: PostgresClient, _ leased: Leased, _ body: @escaping @Sendable (PostgresConnection) async throws -> R
    ) async throws -> R {
        let answer = Answer<R>()
        let deadlines = self.deadlines
        return try await withCheckedThrowingContinuation { continuation in
            answer.set(continuation)
            let work = Mutex<Task<Void, Never>?>(nil)
            let waiting = deadlines.add(in: Self.leaseTimeout) {
                if leased.abandon() {
                    answer.resume(.failure(StorageError.unavailable("no connection within \(Self.leaseTimeout)")))
                    work.withLock { $0?.cancel() }
                }
            }
            let task = Task {
                do {
                    let result = try await client.withConnection { connection in
                        deadlines.remove(waiting)
                        guard leased.mark() else { throw StorageError.unavailable("no connection within \(Self.leaseTimeout)") }
                        let answering = deadlines.add(in: Self.answerTimeout) {
                            answer.resume(.failure(StorageError.unavailable("no answer from the database within \(Self.answerTimeout)")))
                            connection.close().whenComplete { _ in }
                        }
                        defer { deadlines.remove(answering) }
                        return try await body(connection)
                    }
                    answer.resume(.success(result))
                } catch {
                    answer.resume(.failure(error))
                }
                deadlines.remove(waiting)
            }
            work.withLock { $0 = task }
        }
    }

    /// A continuation resumed once, by whichever of the lease and the timer comes first.
    final class Answer<R: Sendable>: Sendable {
        private let state = Mutex<CheckedContinuation<R, any Error>?>(nil)
        func set(_ continuation: CheckedContinuation<R, any Error>) { state.withLock { $0 = continuation } }
        func resume(_ result: Result<R, any Error>) {
            state.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
    }

    /// Whether the pool gave a connection in time: an error before that (the server down, the pool unable
    /// to connect) means the database is unavailable.
    final class Leased: Sendable {
        private enum State { case waiting, leased, abandoned }
        private let state = Mutex(State.waiting)
        /// The connection came; false when it came too late and must not be used.
        func mark() -> Bool {
            state.withLock { state in
                guard state == .waiting else { return state == .leased }
                state = .leased
                return true
            }
        }
        /// The timer ended first: true when no connection had come.
        func abandon() -> Bool {
            state.withLock { state in
                guard state == .waiting else { return false }
                state = .abandoned
                return true
            }
        }
        var value: Bool { state.withLock { $0 == .leased } }
    }

    /// The key of the advisory lock nodes take to migrate: one at a time, each migration once.
    static let migrationLock: Int64 = 0x636F_676E_6174_6531  // "cognate1"

    public func migrate() async throws {
        do {
            try await withLease(Leased()) { connection in
                let db = connection.sql(queryLogLevel: .trace, logger: self.logger)
                try await db.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLock))").run()
                do {
                    try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY NOT NULL)").run()
                    try await db.raw("CREATE TABLE IF NOT EXISTS cache_epoch (id INTEGER PRIMARY KEY NOT NULL, value BIGINT NOT NULL)").run()
                    try await db.raw("INSERT INTO cache_epoch (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING").run()
                    let applied = try await db.raw("SELECT version FROM schema_migrations").all(decodingColumn: "version", as: Int.self)
                    for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                        try await db.raw("BEGIN").run()
                        do {
                            for statement in migration.statements { try await db.raw("\(unsafeRaw: statement)").run() }
                            try await db.raw("INSERT INTO schema_migrations (version) VALUES (\(bind: migration.version))").run()
                            try await db.raw("COMMIT").run()
                        } catch {
                            try? await db.raw("ROLLBACK").run()
                            throw error
                        }
                    }
                } catch {
                    _ = try? await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                    throw error
                }
                try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
            }
        } catch {
            throw Self.translate(error)
        }
    }

    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed: return true
        default: return ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState] ?? "")
        }
    }

    /// Serialization failures and deadlocks: PostgreSQL chose this transaction to give way.
    static func isConflict(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// Unique violations (`23505`) are `alreadyExists`; a database that cannot be reached is `unavailable`.
    static func translate(_ error: any Error, leased: Bool = true) -> any Error {
        if error is StorageError { return error }
        guard let error = error as? PSQLError else {
            return leased ? error : StorageError.unavailable("no connection: \(error)")
        }
        if let state = error.serverInfo?[.sqlState] {
            if state == "23505" { return StorageError.alreadyExists(key: error.serverInfo?[.constraintName] ?? "unique") }
            // Admin shutdown, crash shutdown, cannot connect now, too many connections.
            if ["57P01", "57P02", "57P03", "53300", "08006", "08001", "08004"].contains(state) {
                return StorageError.unavailable(state)
            }
            return error
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection:
            return StorageError.unavailable(error.code.description)
        default:
            return error
        }
    }
}
