import CognatePostgres
import CognateSQL
import CognateSQLite
import Logging
import Testing

/// SQLite and PostgreSQL hold one schema: both are migrated from nothing, then their tables, columns (in
/// one vocabulary of types), nullability and indexes are compared. The one intended difference: users'
/// binary records are `BYTEA` on PostgreSQL and sit in SQLite's `TEXT` column (SQLite keeps any value).
@Suite struct SchemaParityTests {
    @Test func bothEnginesMigrateToTheSameSchema() async throws {
        let sqlite = try await SQLiteStorage.open(.memory, logger: Logger(label: "sqlite"))
        var lite: SchemaDescription
        do {
            lite = try await sqlite.describeSchema()
        } catch {
            try? await sqlite.close()
            throw error
        }
        try await sqlite.close()
        try await TestDatabase.with { url in
            let postgres = try await PostgresStorage.open(url: url, logger: Logger(label: "postgres"), connections: 2)
            var shared: SchemaDescription
            do {
                shared = try await postgres.describeSchema()
            } catch {
                try? await postgres.close()
                throw TestFailure("describing PostgreSQL's schema: \(String(reflecting: error))")
            }
            try await postgres.close()
            #expect(lite.tables.count > 15)
            #expect(lite.indexes.count > 10)
            if let data = shared.tables["users"]?.firstIndex(where: { $0.name == "data" }), shared.tables["users"]![data].type == "bytes" {
                shared.tables["users"]![data].type = "text"
            }
            #expect(Set(lite.tables.keys) == Set(shared.tables.keys))
            for table in lite.tables.keys.sorted() {
                #expect(lite.tables[table] == shared.tables[table], "table \(table) differs")
            }
            #expect(lite.indexes == shared.indexes, "SQLite:\n\(lite)\n\nPostgreSQL:\n\(shared)")
        }
    }

    @Test func aSharedStepRendersEachEnginesTypes() {
        let step = SchemaChange.portable("CREATE TABLE t (k {key} PRIMARY KEY, at {time} NOT NULL, n {integer}, b {bytes}, d {text})")
        #expect(step.statement(for: .sqlite) == "CREATE TABLE t (k TEXT PRIMARY KEY, at REAL NOT NULL, n INTEGER, b BLOB, d TEXT)")
        #expect(
            step.statement(for: .postgres)
                == "CREATE TABLE t (k TEXT COLLATE \"C\" PRIMARY KEY, at DOUBLE PRECISION NOT NULL, n BIGINT, b BYTEA, d TEXT)")
        let migrations = SharedMigrations.complete([Migration(1, ["x"]), Migration(2, ["y"])], .sqlite)
        #expect(migrations.map(\.version).prefix(2) == [1, 2])
        #expect(migrations.map(\.version) == Array(1...migrations.count))
    }
}
