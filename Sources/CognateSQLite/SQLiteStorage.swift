import CognateSQL
import CognateStorage
import Foundation
import Logging
import SQLKit
import SQLiteKit

/// Opens the SQLite backend: a file (or in-memory) database in WAL mode with foreign keys on,
/// migrated to the current schema; a file database also gets read-only connections for reads.
public enum SQLiteStorage {
    public enum Location: Sendable {
        case memory
        case file(path: String)
    }

    /// - Parameters:
    ///   - cachedUsers: how many decoded users to keep in memory for fast reads.
    ///   - readers: read-only connections for a file database, so that reads never wait behind a commit
    ///     (an in-memory database has one connection: its data lives in it).
    ///   - exclusive: whether the file is locked against a second process serving it (see `FileLock`); a
    ///     process that only reads it beside a server (`--export-seed`) does not take the lock.
    public static func open(
        _ location: Location, logger: Logger, cachedUsers: Int = 20_000, readers: Int = 2, exclusive: Bool = true,
        liveLimits: SQLStorage.LiveLimits = .init()
    ) async throws -> SQLStorage {
        let storage: SQLiteConnection.Storage
        let lock: FileLock?
        switch location {
        case .memory:
            storage = .memory
            lock = nil
        case .file(let path):
            // The database is a credential store (password verifiers, TOTP seeds, client secrets, signing
            // keys): a directory made for it is the owner's alone, and so are its files.
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            lock = exclusive ? try FileLock(database: path) : nil
            storage = .file(path: path)
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            lock?.release()
            throw error
        }
        let db = connection.sql()
        do {
            try await configure(db)
            if case .file(let path) = location { restrictPermissions(path) }
        } catch {
            try? await connection.close()
            lock?.release()
            throw error
        }
        var readConnections: [SQLiteConnection] = []
        if case .file = location {
            do {
                for _ in 0..<readers {
                    let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                    readConnections.append(reader)
                    for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA query_only = ON"] {
                        try await reader.sql().raw("\(unsafeRaw: pragma)").run()
                    }
                }
            } catch {
                for reader in readConnections { try? await reader.close() }
                try? await connection.close()
                lock?.release()
                throw error
            }
        }
        let engine = SQLiteEngine(
            database: db, readers: readConnections.map { $0.sql() }, translate: translate,
            close: { [readConnections, lock] in
                for reader in readConnections { try? await reader.close() }
                try await connection.close()
                // Released with the connections, not before.
                lock?.release()
            })
        let sqlStorage = SQLStorage(engine: engine, cachedUsers: cachedUsers, liveLimits: liveLimits)
        do {
            try await sqlStorage.migrate()
        } catch {
            try? await sqlStorage.close()
            throw error
        }
        return sqlStorage
    }

    /// Makes the database and its WAL files readable by the owner alone (databases created by earlier
    /// versions were 0644).
    static func restrictPermissions(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// WAL: a committed transaction is in the log before COMMIT returns, so it survives the process
    /// being killed; synchronous=FULL also makes it survive power loss.
    private static func configure(_ db: any SQLDatabase) async throws {
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"] {
            try await db.raw("\(unsafeRaw: pragma)").run()
        }
    }

    /// Unique and primary-key violations become `alreadyExists`; other driver errors pass through.
    @Sendable static func translate(_ error: any Error) -> any Error {
        if let error = error as? SQLiteError,
            error.reason == .constraint || error.reason == .constraintUniqueFailed
                || error.reason == .constraintPrimaryKeyFailed
        {
            return StorageError.alreadyExists(key: error.message)
        }
        return error
    }
}
