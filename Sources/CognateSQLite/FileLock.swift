import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on `<database>.lock`, held while the process serves the database: a second Cognate
/// process on the same SQLite file would keep caches of its own and serve stale data, so it is refused at
/// start. The kernel drops the lock when the process ends, however it ends (`kill -9` included).
final class FileLock: Sendable {
    private let descriptor: Mutex<Int32?>

    struct Held: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "another Cognate process is serving \(path): one process per SQLite file (use PostgreSQL for several nodes)"
        }
    }

    init(database path: String) throws {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: lockPath]) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held(path: path)
        }
        descriptor = Mutex(fd)
    }

    /// Gives the lock up (when the storage closes); the process may open the database again.
    func release() {
        descriptor.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    deinit { release() }
}
