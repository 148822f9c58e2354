import CognateSQL
import CognateSQLite
import CognateStorage
import CognateStorageConformance
import Crypto
import Foundation
import Logging
import Testing

/// The SQLite backend passes every storage conformance check, each against a fresh database: in memory,
/// with a tiny user cache, and on a file with reader connections.
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

    /// Again on a file, where reads go through read-only connections while commits run on the writer.
    @Test(arguments: StorageConformance.checks.keys.sorted())
    func conformanceOnAFileWithReaders(_ check: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-\(UUID().uuidString)/db.sqlite").path
        try await run(check, storage: try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"), readers: 2))
    }

    /// Again behind the decorator that seals secrets at rest: it must change nothing a check can see.
    @Test(arguments: StorageConformance.checks.keys.sorted())
    func conformanceWithSealedSecrets(_ check: String) async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            try await StorageConformance.checks[check]!(SealedStorage(storage, sealer: AESGCMSealer(key: SymmetricKey(size: .bits256))))
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    private func run(_ check: String, cachedUsers: Int) async throws {
        try await run(check, storage: try await SQLiteStorage.open(.memory, logger: Logger(label: "test"), cachedUsers: cachedUsers))
    }

    private func run(_ check: String, storage: SQLStorage) async throws {
        do {
            try await StorageConformance.checks[check]!(storage)
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
