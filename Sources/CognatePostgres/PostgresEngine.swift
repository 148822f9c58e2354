import CognateSQLite
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
/// synchronous standby too when the server is set up so). Nothing is cached: `isShared`.
public final class PostgresEngine: SQLEngine {
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger: Logger
    /// How many times a transaction PostgreSQL refused for a conflict runs again.
    static let attempts = 12

    public var isShared: Bool { true }

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.client = client
        self.logger = quiet
        running = Task { await client.run() }
    }

    public func close() async throws {
        running.cancel()
        _ = await running.value
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

    /// How long a request waits for a connection before it is told the database is unavailable (while the
    /// server is down the pool keeps trying to connect, for a minute before it gives up on its own).
    static let leaseTimeout: Duration = .seconds(5)

    /// Runs `body` on a pooled connection, or fails with `unavailable` when none comes within `leaseTimeout`.
    /// Once the connection is there, the body runs to its end: a transaction is never cut off half way.
    func withLease<R: Sendable>(_ leased: Leased, _ body: @escaping @Sendable (PostgresConnection) async throws -> R) async throws -> R {
        let client = self.client
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    leased.mark()
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: Self.leaseTimeout)
                if !leased.value { throw StorageError.unavailable("no connection within \(Self.leaseTimeout)") }
                return nil
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw StorageError.unavailable("no connection")
        }
    }

    /// Whether the pool gave a connection: an error before that (the server down, the pool unable to
    /// connect) means the database is unavailable.
    final class Leased: Sendable {
        private let state = Mutex(false)
        func mark() { state.withLock { $0 = true } }
        var value: Bool { state.withLock { $0 } }
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
