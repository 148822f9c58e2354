import SQLKit

/// What differs between the databases `SQLStorage` runs on: how a write transaction runs (atomic, and
/// durable before it is answered), where reads go, how the schema is migrated, and whether other
/// processes share the database (then nothing may be cached).
public protocol SQLEngine: Sendable {
    /// Whether several processes (nodes) serve this database.
    var isShared: Bool { get }

    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws; then
    /// `committed` with its result. Driver errors come out as `StorageError` where they are one
    /// (a unique violation is `alreadyExists`).
    func write<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T, committed: @escaping @Sendable (T) -> Void
    ) async throws -> T

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T

    /// The rows `read` answers for `keys`, each through `decode`, read as `read` reads. An engine may run
    /// it as a statement prepared once per connection; the default runs `KeyedRead.query`. On a shared
    /// database the answer may bring the cache epoch, read in the same statement (when any row was found).
    func rows<T: Sendable>(
        _ read: KeyedRead, _ keys: [String], decode: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> KeyedRows<T>

    /// On a shared database, the count of committed changes to the records every node caches (pools, app
    /// clients, domains): its cache epoch (nil: one process owns the database, and no count is kept). Read
    /// on a connection of its own, outside any transaction.
    func cacheEpoch() async throws -> Int64?

    /// On a shared database, the select-list item (with its comma) by which a query brings the cache epoch
    /// in the column `KeyedRows.epochColumn`; nil where no count is kept.
    var epochSelection: String? { get }

    /// Inside a write's transaction that changes a cached record: advances the count and answers the new
    /// one. Writers of cached records take turns on the count, so counts are in commit order.
    func advanceCacheEpoch(_ db: any SQLDatabase) async throws -> Int64?

    /// Applies the numbered migrations not applied yet, each once.
    func migrate() async throws

    /// The tables the migrations made (not the table that records them), as the database lists them: what
    /// a reset empties, so that a new table cannot be forgotten there.
    func tables(_ db: any SQLDatabase) async throws -> [String]

    /// The tables, columns and indexes the migrations made, as the database lists them.
    func describeSchema(_ db: any SQLDatabase) async throws -> SchemaDescription

    func close() async throws
}

/// One numbered step of a schema.
public struct Migration: Sendable {
    public var version: Int
    public var statements: [String]

    public init(_ version: Int, _ statements: [String]) {
        self.version = version
        self.statements = statements
    }
}

extension SQLEngine {
    public var epochSelection: String? { nil }

    public func rows<T: Sendable>(
        _ read: KeyedRead, _ keys: [String], decode: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> KeyedRows<T> {
        let query = read.query(keys)
        return KeyedRows(rows: try await self.read { db in try await db.raw(query).all().map(decode) }, epoch: nil)
    }
}
