import CognateSQLite
import CognateStorage
import CognateStorageConformance
import Logging
import Testing

/// The SQLite backend passes every storage conformance check, each against a fresh database.
@Suite struct SQLiteConformanceTests {
    @Test(arguments: StorageConformance.checks.keys.sorted())
    func conformance(_ check: String) async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            try await StorageConformance.checks[check]!(storage)
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
