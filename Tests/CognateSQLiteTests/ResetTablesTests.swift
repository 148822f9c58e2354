import CognateStorageConformance
import Foundation
import Logging
import Testing

@testable import CognateSQL
@testable import CognateSQLite

/// A reset empties every table the schema has, found in the database itself: a table a new migration
/// adds cannot be forgotten by it (issue 27).
@Suite struct ResetTablesTests {
    @Test func theTablesAResetEmptiesAreEveryTableTheMigrationsMake() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            let listed = Set(try await storage.engine.read { db in try await storage.engine.tables(db) })
            let created = try NSRegularExpression(pattern: #"CREATE TABLE (\w+)"#)
            var made: Set<String> = []
            for statement in SQLiteMigrations.all.flatMap(\.statements) {
                for match in created.matches(in: statement, range: NSRange(statement.startIndex..., in: statement)) {
                    made.insert(String(statement[Range(match.range(at: 1), in: statement)!]))
                }
            }
            #expect(made.count > 15)
            #expect(listed == made)
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    @Test func everyTableBelongsToOneRecordFamily() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            let listed = Set(try await storage.engine.read { db in try await storage.engine.tables(db) })
            var claimed: [String: RecordFamily] = [:]
            for family in RecordFamily.allCases {
                #expect(!family.checks.isEmpty, "\(family) has no conformance checks")
                for table in family.tables {
                    #expect(claimed[table] == nil, "\(table) is claimed by \(family) and \(claimed[table].map { "\($0)" } ?? "")")
                    claimed[table] = family
                }
            }
            #expect(Set(claimed.keys) == listed)
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
