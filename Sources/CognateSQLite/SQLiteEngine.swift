import CognateSQL
import CognateStorage
import SQLKit
import Synchronization

/// SQLite under `SQLStorage`: writes go through one connection, serialized by a FIFO lock so that each
/// `update` is one atomic read-change-write transaction, and concurrent writers share commits (see
/// `GroupCommit`). Reads use their own connections when the backend has them (a file database in WAL
/// mode), so they never wait for a commit's fsync; without them, reads take the writer's lock. One
/// process owns the file (`FileLock`), so the storage may cache.
final class SQLiteEngine: SQLEngine {
    let database: any SQLDatabase
    /// Read-only connections, used in turn; empty: reads use `database`.
    private let readers: [any SQLDatabase]
    private let nextReader = Atomic<Int>(0)
    private let mutex = AsyncMutex()
    private let writes = GroupCommit()
    private let translate: @Sendable (any Error) -> any Error
    private let closeConnection: @Sendable () async throws -> Void

    var isShared: Bool { false }

    /// One process owns the file: its caches change with its own writes, and no count is kept.
    func cacheEpoch() async throws -> Int64? { nil }
    func advanceCacheEpoch(_ db: any SQLDatabase) async throws -> Int64? { nil }

    func tables(_ db: any SQLDatabase) async throws -> [String] {
        try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
            .all(decodingColumn: "name", as: String.self)
    }

    func describeSchema(_ db: any SQLDatabase) async throws -> SchemaDescription {
        var tables: [String: [SchemaDescription.Column]] = [:]
        for table in try await self.tables(db) {
            tables[table] = try await db.raw("SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info(\(bind: table)) ORDER BY cid")
                .all().map { row in
                    SchemaDescription.Column(
                        name: try row.decode(column: "name", as: String.self), type: try row.decode(column: "type", as: String.self),
                        notNull: try row.decode(column: "not_null", as: Int.self) != 0 || row.decode(column: "pk", as: Int.self) != 0)
                }
        }
        var indexes: [String: SchemaDescription.Index] = [:]
        let rows = try await db.raw("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all()
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            let columns = try await db.raw("SELECT name FROM pragma_index_info(\(bind: name)) ORDER BY seqno")
                .all(decodingColumn: "name", as: String.self)
            indexes[name] = SchemaDescription.Index(
                name: name, table: try row.decode(column: "tbl_name", as: String.self), columns: columns,
                unique: try row.decode(column: "sql", as: String.self).uppercased().hasPrefix("CREATE UNIQUE"))
        }
        return SchemaDescription(tables: tables, indexes: indexes)
    }

    /// - Parameters:
    ///   - translate: maps the driver's errors to `StorageError` (unique violations → `alreadyExists`).
    ///   - readers: read-only connections to the same database (none: reads use `database`).
    ///   - close: closes the underlying connections.
    init(
        database: any SQLDatabase, readers: [any SQLDatabase] = [], translate: @escaping @Sendable (any Error) -> any Error,
        close: @escaping @Sendable () async throws -> Void
    ) {
        self.database = database
        self.readers = readers
        self.translate = translate
        self.closeConnection = close
    }

    /// Closes the connection once every queued transaction has finished.
    func close() async throws {
        try await locked { _ in try await self.closeConnection() }
    }

    private func locked<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await mutex.withLock { try await body(self.database) }
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func write<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T, committed: @escaping @Sendable (T) -> Void
    ) async throws -> T {
        let outcome = Outcome<T>()
        let ticket = GroupCommit.Ticket()
        let job = GroupCommit.Job(
            run: { db in
                let result = try await body(db)
                return {
                    committed(result)
                    outcome.set(.success(result))
                    ticket.send(.done)
                }
            },
            ticket: ticket,
            fail: { error in
                outcome.set(.failure(error))
                ticket.send(.done)
            }
        )
        if writes.enqueue(job) {
            await writeBatch()
        } else if await ticket.wait() == .writeNextBatch {
            await writeBatch()
        }
        // This writer's job was in the batch it wrote, or in one written for it.
        guard let result = outcome.result else {
            _ = await ticket.wait()
            return try outcome.result!.get()
        }
        return try result.get()
    }

    /// Writes the next batch of queued transactions in one SQLite transaction, then hands the queue on.
    private func writeBatch() async {
        let batch = writes.takeBatch()
        await mutex.withLock { await self.commit(batch) }
        writes.finishBatch()
    }

    private func commit(_ batch: [GroupCommit.Job]) async {
        let db = database
        let translate = self.translate
        func mapped(_ error: any Error) -> any Error { error as? StorageError ?? translate(error) }
        // A lone transaction needs no savepoint.
        let savepoints = batch.count > 1
        var completions: [@Sendable () -> Void] = []
        var written: [GroupCommit.Job] = []
        do {
            try await db.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.fail(mapped(error)) }
            return
        }
        for (index, job) in batch.enumerated() {
            do {
                if savepoints { try await db.raw("SAVEPOINT job").run() }
                let completion = try await job.run(db)
                if savepoints { try await db.raw("RELEASE job").run() }
                completions.append(completion)
                written.append(job)
            } catch {
                do {
                    guard savepoints else { throw error }
                    try await db.raw("ROLLBACK TO job").run()
                    try await db.raw("RELEASE job").run()
                    job.fail(mapped(error))
                } catch {
                    // The transaction itself is lost: nothing of this batch is written.
                    try? await db.raw("ROLLBACK").run()
                    for failed in written + batch[index...] { failed.fail(mapped(error)) }
                    return
                }
            }
        }
        do {
            try await db.raw("COMMIT").run()
        } catch {
            try? await db.raw("ROLLBACK").run()
            for job in written { job.fail(mapped(error)) }
            return
        }
        for completion in completions { completion() }
    }

    /// Runs a read on the next reader connection, or under the writer's lock when there are none.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard !readers.isEmpty else { return try await locked(body) }
        let reader = readers[nextReader.add(1, ordering: .relaxed).oldValue % readers.count]
        do {
            return try await body(reader)
        } catch let error as StorageError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func migrate() async throws {
        try await locked { db in
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL)").run()
        }
        let applied = try await read { db in
            try await db.raw("SELECT version FROM schema_migrations").all(decodingColumn: "version", as: Int.self)
        }
        for migration in SQLiteMigrations.all where !applied.contains(migration.version) {
            try await write(
                { db in
                    for statement in migration.statements {
                        try await db.raw("\(unsafeRaw: statement)").run()
                    }
                    try await db.raw("INSERT INTO schema_migrations (version) VALUES (\(bind: migration.version))").run()
                }, committed: { _ in })
        }
    }
}
