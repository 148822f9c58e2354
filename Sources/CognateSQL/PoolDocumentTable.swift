import CognateStorage
import SQLKit

/// A record family kept as one JSON document per row, keyed by its pool and one name within the pool
/// (app clients, groups, resource servers, identity providers, terms, branding styles): the create, read, list, update
/// and delete every such family has, written once. A family names its table and key column, how to read
/// a record's pool and key, what else an update may not change, and the indexed columns it keeps beside the
/// document.
struct PoolDocumentTable<Record: Codable & Sendable>: Sendable {
    let table: String
    let keyColumn: String
    typealias Field = any WritableKeyPath<Record, String> & Sendable
    let poolIDField: Field
    let keyField: Field
    /// What an update may not change beside the pool and the key (a branding style's client): put back as stored.
    var fixed: [Field] = []
    /// Indexed columns beside pool_id, the key and data, with the record's values; written on every write.
    var columns: @Sendable (Record) -> [(name: String, value: String?)] = { _ in [] }
    /// The key `alreadyExists` names when the pool already has a record with this key; nil: the database's
    /// unique constraint decides (and the engine names the key).
    var duplicateKey: String? = nil

    init(
        table: String, keyColumn: String, poolID: Field, key: Field, fixed: [Field] = [],
        columns: @escaping @Sendable (Record) -> [(name: String, value: String?)] = { _ in [] }, duplicateKey: String? = nil
    ) {
        self.table = table
        self.keyColumn = keyColumn
        self.poolIDField = poolID
        self.keyField = key
        self.fixed = fixed
        self.columns = columns
        self.duplicateKey = duplicateKey
    }

    func poolID(_ record: Record) -> String { record[keyPath: poolIDField] }
    func key(_ record: Record) -> String { record[keyPath: keyField] }

    private func whereKey(_ poolID: String, _ key: String) -> SQLQueryString {
        var q: SQLQueryString = " WHERE pool_id = \(bind: poolID) AND "
        q.appendInterpolation(unsafeRaw: keyColumn)
        q.appendInterpolation(unsafeRaw: " = ")
        q.appendInterpolation(bind: key)
        return q
    }

    private func query(_ head: String, _ poolID: String, _ key: String) -> SQLQueryString {
        var q = SQLQueryString(head)
        q.appendInterpolation(whereKey(poolID, key))
        return q
    }

    /// The stored record, read inside a transaction or a read.
    func one(_ db: any SQLDatabase, poolID: String, key: String) async throws -> Record {
        try await SQLStorage.one(Record.self, db, query("SELECT data FROM \(table)", poolID, key))
    }

    /// Inserts the record; the pool must exist. `alongside` runs in the same transaction (rows kept in step).
    func create(
        _ record: Record, in storage: SQLStorage, alongside: (@Sendable (any SQLDatabase, Record) async throws -> Void)? = nil
    ) async throws {
        let data = try SQLStorage.json(record)
        let extra = columns(record)
        try await storage.transaction { db in
            try await SQLStorage.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: self.poolID(record))")
            if let duplicateKey = self.duplicateKey,
                try await db.raw(self.query("SELECT \(self.keyColumn) FROM \(self.table)", self.poolID(record), self.key(record))).first() != nil
            {
                throw StorageError.alreadyExists(key: duplicateKey)
            }
            let names = (["pool_id", self.keyColumn] + extra.map(\.name) + ["data"]).joined(separator: ", ")
            var q: SQLQueryString = "INSERT INTO \(unsafeRaw: self.table) (\(unsafeRaw: names)) VALUES ("
            q.appendInterpolation(bind: self.poolID(record))
            q.appendInterpolation(unsafeRaw: ", ")
            q.appendInterpolation(bind: self.key(record))
            for column in extra {
                q.appendInterpolation(unsafeRaw: ", ")
                q.appendInterpolation(bind: column.value)
            }
            q.appendInterpolation(unsafeRaw: ", ")
            q.appendInterpolation(bind: data)
            q.appendInterpolation(unsafeRaw: ")")
            try await db.raw(q).run()
            try await alongside?(db, record)
        }
    }

    func get(poolID: String, key: String, in storage: SQLStorage) async throws -> Record {
        try await storage.read { db in try await self.one(db, poolID: poolID, key: key) }
    }

    /// The records of one column's value (e.g. a client's), ordered by `orderBy`.
    func all(poolID: String, where column: String, is value: String, orderBy: String, in storage: SQLStorage) async throws -> [Record] {
        try await storage.read { db in
            var q: SQLQueryString = "SELECT data FROM \(unsafeRaw: self.table) WHERE pool_id = "
            q.appendInterpolation(bind: poolID)
            q.appendInterpolation(unsafeRaw: " AND \(column) = ")
            q.appendInterpolation(bind: value)
            q.appendInterpolation(unsafeRaw: " ORDER BY \(orderBy)")
            return try await db.raw(q).all(decodingColumn: "data", as: String.self).map { try SQLStorage.record(Record.self, $0) }
        }
    }

    /// At most `limit` records of every pool, in pool and key order.
    func all(limit: Int, in storage: SQLStorage) async throws -> [Record] {
        try await storage.read { db in
            var q: SQLQueryString = "SELECT data FROM \(unsafeRaw: self.table) ORDER BY pool_id, "
            q.appendInterpolation(unsafeRaw: "\(self.keyColumn) LIMIT \(max(0, limit))")
            return try await db.raw(q).all(decodingColumn: "data", as: String.self).map { try SQLStorage.record(Record.self, $0) }
        }
    }

    /// A page of the pool's records in key order.
    func list(poolID: String, _ page: PageRequest, in storage: SQLStorage) async throws -> Page<Record> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await storage.read { db in
            var q: SQLQueryString = "SELECT data FROM \(unsafeRaw: self.table) WHERE pool_id = "
            q.appendInterpolation(bind: poolID)
            q.appendPage(after: after, orderedBy: [self.keyColumn])
            return try await SQLStorage.page(Record.self, db, q, limit: page.limit) { [self.key($0)] }
        }
    }

    /// Reads, changes and writes the record in one transaction; what `keep` names stays as stored.
    /// `committed` sees the record once the transaction commits (a cache keeps it); `cached`: the nodes'
    /// caches hold such records (see `SQLStorage.transaction`).
    func update(
        poolID: String, key: String, in storage: SQLStorage, cached: Bool = false, _ change: @escaping @Sendable (inout Record) throws -> Void,
        alongside: (@Sendable (any SQLDatabase, Record) async throws -> Void)? = nil, committed: @escaping @Sendable (Record) -> Void = { _ in }
    ) async throws -> Record {
        try await storage.transaction(changingCachedRecords: cached) { db in
            let stored = try await self.one(db, poolID: poolID, key: key)
            var record = stored
            try change(&record)
            for field in [self.poolIDField, self.keyField] + self.fixed { record[keyPath: field] = stored[keyPath: field] }
            let data = try SQLStorage.json(record)
            var q: SQLQueryString = "UPDATE \(unsafeRaw: self.table) SET "
            for column in self.columns(record) {
                q.appendInterpolation(unsafeRaw: "\(column.name) = ")
                q.appendInterpolation(bind: column.value)
                q.appendInterpolation(unsafeRaw: ", ")
            }
            q.appendInterpolation(unsafeRaw: "data = ")
            q.appendInterpolation(bind: data)
            q.appendInterpolation(self.whereKey(poolID, key))
            try await db.raw(q).run()
            try await alongside?(db, record)
            return record
        } committed: {
            committed($0)
        }
    }

    /// Deletes the record (`notFound` when there is none); `before` runs first in the same transaction, and
    /// `committed` once it commits.
    func delete(
        poolID: String, key: String, in storage: SQLStorage, cached: Bool = false, before: (@Sendable (any SQLDatabase) async throws -> Void)? = nil,
        committed: @escaping @Sendable () -> Void = {}
    ) async throws {
        try await storage.transaction(changingCachedRecords: cached) { db in
            try await SQLStorage.requireRow(db, self.query("SELECT \(self.keyColumn) FROM \(self.table)", poolID, key))
            try await before?(db)
            try await db.raw(self.query("DELETE FROM \(self.table)", poolID, key)).run()
        } committed: { _ in
            committed()
        }
    }
}
