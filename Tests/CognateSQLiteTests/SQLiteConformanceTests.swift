import CognateSQLite
import CognateStorage
import CognateStorageConformance
import Logging
import Testing

/// The SQLite backend passes every storage conformance check, each against a fresh database.
@Suite struct SQLiteConformanceTests {
    @Test(arguments: StorageConformance.checks.keys.sorted())
    func conformance(_ check: String) async throws {
        try await run(check, cachedUsers: 20_000)
    }

    /// Again with a user cache of one entry, so every check also runs through evictions.
    @Test(arguments: StorageConformance.checks.keys.sorted())
    func conformanceWithATinyUserCache(_ check: String) async throws {
        try await run(check, cachedUsers: 1)
    }

    private func run(_ check: String, cachedUsers: Int) async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"), cachedUsers: cachedUsers)
        do {
            try await StorageConformance.checks[check]!(storage)
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
