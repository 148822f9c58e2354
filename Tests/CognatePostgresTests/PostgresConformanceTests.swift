import CognatePostgres
import CognateSQL
import CognateSQLite
import CognateStorage
import CognateStorageConformance
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL backend passes every storage conformance check, each against a database of its own,
/// made for it on the server COGNATE_TEST_POSTGRES_URL names (Scripts/test.sh starts Debian's PostgreSQL
/// and sets it) and dropped afterwards.
@Suite struct PostgresConformanceTests {
    static var serverURL: String? { ProcessInfo.processInfo.environment["COGNATE_TEST_POSTGRES_URL"] }

    /// One check at a time: 32 databases made and migrated at once, beside the rest of the suite on two cores,
    /// kept `concurrentCreatesInOnePoolAllSucceed` waiting past the connection lease's deadline — a test of the
    /// machine, not of the backend.
    @Test(.serialized, arguments: StorageConformance.checks.keys.sorted())
    func conformance(_ check: String) async throws {
        try await TestDatabase.with { url in
            let storage = try await PostgresStorage.open(url: url, logger: Logger(label: "test"), connections: 8)
            do {
                try await StorageConformance.checks[check]!(storage)
            } catch {
                try? await storage.close()
                throw error
            }
            try await storage.close()
        }
    }

    /// Two storages on one database stand for two nodes: what one writes the other reads at once, and their
    /// concurrent read-change-writes of one record lose nothing.
    @Test func twoNodesSeeEachOthersWritesAndLoseNone() async throws {
        try await TestDatabase.with { url in
            let first = try await PostgresStorage.open(url: url, logger: Logger(label: "a"), connections: 8)
            let second = try await PostgresStorage.open(url: url, logger: Logger(label: "b"), connections: 8)
            let date = Date(timeIntervalSince1970: 1_700_000_000)
            let pool = UserPool(
                id: "us-east-1_Nodes", name: "nodes", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/us-east-1_Nodes",
                creationDate: date, lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: [:])
            try await first.createUserPool(pool)
            #expect(try await second.userPool(id: pool.id).name == "nodes")
            _ = try await first.updateUserPool(id: pool.id) { $0.name = "renamed" }
            #expect(try await second.userPool(id: pool.id).name == "renamed")
            // 40 concurrent appends to one tag map, split across the two: every one is there.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    let node = index % 2 == 0 ? first : second
                    group.addTask { _ = try await node.updateUserPool(id: pool.id) { $0.tags["t\(index)"] = "v" } }
                }
                try await group.waitForAll()
            }
            #expect(try await first.userPool(id: pool.id).tags.count == 40)
            try await first.close()
            try await second.close()
        }
    }
}

/// A database of its own for one test, on the server the environment names.
enum TestDatabase {
    static func with(_ body: (String) async throws -> Void) async throws {
        guard let server = PostgresConformanceTests.serverURL else {
            throw TestFailure("COGNATE_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL, or set it to a server's URL.")
        }
        let name = "cognate_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        do {
            try await admin(server, "CREATE DATABASE \(name)")
        } catch {
            // PostgreSQL's errors describe themselves only when asked.
            throw TestFailure("CREATE DATABASE failed: \(String(reflecting: error))")
        }
        var components = URLComponents(string: server)!
        components.path = "/" + name
        do {
            try await body(components.string!)
        } catch let error as PSQLError {
            try? await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw TestFailure("PostgreSQL refused a statement: \(String(reflecting: error))")
        } catch {
            try? await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
        // An autovacuum worker in the database (the superuser's, which FORCE may not end for a plain role)
        // refuses the drop for a moment: tried again.
        for attempt in 1...10 {
            do {
                try await admin(server, "DROP DATABASE \(name) WITH (FORCE)")
                return
            } catch  where attempt < 10 && String(reflecting: error).contains("42501") {
                try await Task.sleep(for: .milliseconds(200))
            } catch {
                throw TestFailure("DROP DATABASE failed: \(String(reflecting: error))")
            }
        }
    }

    static func admin(_ server: String, _ statement: String) async throws {
        let client = PostgresClient(configuration: try PostgresStorage.configuration(url: server), backgroundLogger: Logger(label: "admin"))
        let run = Task { await client.run() }
        defer { run.cancel() }
        try await client.withConnection { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "admin"))
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
