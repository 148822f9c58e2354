import CognateSQL
import Testing

@testable import CognatePostgres

/// The keyed reads' prepared statements: one name each, within PostgreSQL's 63 bytes (a longer name is cut,
/// and two reads whose names agree up to there would be one statement on a connection), with `$n` for
/// each key.
@Suite struct KeyedReadStatementTests {
    static func name(_ read: KeyedRead) -> String {
        func of<Shape: KeyedReadShape>(_ shape: Shape.Type) -> String { KeyedReadStatement<Shape>.name }
        return of(KeyedReadShapes.of(read))
    }

    static func statement(_ read: KeyedRead) -> (sql: String, types: Int) {
        func of<Shape: KeyedReadShape>(_ shape: Shape.Type) -> (String, Int) {
            (KeyedReadStatement<Shape>.sql, KeyedReadStatement<Shape>.bindingDataTypes.count)
        }
        return of(KeyedReadShapes.of(read))
    }

    @Test func everyReadHasANameOfItsOwnThatPostgreSQLKeepsWhole() {
        let names = KeyedRead.allCases.map(Self.name)
        #expect(Set(names).count == KeyedRead.allCases.count)
        #expect(names.allSatisfy { $0.utf8.count <= 63 })
    }

    @Test func everyShapeIsItsReadWithNumberedPlaceholders() {
        for read in KeyedRead.allCases {
            #expect(KeyedReadShapes.of(read).read == read)
            let (sql, types) = Self.statement(read)
            #expect(types == read.keyCount)
            for n in 1...read.keyCount { #expect(sql.contains("$\(n)")) }
            #expect(!sql.contains("$\(read.keyCount + 1)"))
            // Each brings the cache epoch, so that a request's caches are checked in the same round trip.
            #expect(sql.hasPrefix("SELECT (SELECT value FROM cache_epoch WHERE id = 1) AS cognate_epoch, SELECT") == false)
            #expect(sql.hasPrefix("SELECT (SELECT value FROM cache_epoch WHERE id = 1) AS cognate_epoch, "))
        }
    }
}
