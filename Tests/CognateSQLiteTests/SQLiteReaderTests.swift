import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

/// A file database reads through its own read-only connections, concurrently with commits on the writer
/// (the conformance suite also runs that way: SQLiteConformanceTests).
@Suite struct SQLiteReaderTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cognate-\(UUID().uuidString)/db.sqlite").path
    }

    /// Readers fill the user cache on misses while a writer keeps changing the same users. A reader that
    /// read a row just before a commit must not put that older row into the cache after the commit's own
    /// update of it: once the writes are done, every read answers the last write.
    @Test func readersNeverLeaveAStaleCacheEntry() async throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let pool = UserPool(
            id: "us-east-1_Race", name: "race", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/us-east-1_Race",
            creationDate: date, lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: [:])
        // Three users and room for two: reads keep missing, so readers keep filling.
        let storage = try await SQLiteStorage.open(.file(path: Self.path()), logger: Logger(label: "test"), cachedUsers: 2, readers: 2)
        try await storage.createUserPool(pool)
        let names = ["a", "b", "c"]
        for name in names {
            try await storage.createUser(
                User(
                    poolID: pool.id, username: name, usernameKey: name, sub: "sub-" + name, attributes: [],
                    status: "CONFIRMED", enabled: true, creationDate: date, lastModifiedDate: date))
        }
        let rounds = 150
        try await withThrowingTaskGroup(of: Void.self) { group in
            let done = Flag()
            for reader in 0..<4 {
                group.addTask {
                    var i = reader
                    while !done.isSet {
                        _ = try await storage.user(poolID: pool.id, usernameKey: names[i % names.count])
                        i += 1
                    }
                }
            }
            group.addTask {
                defer { done.set() }
                for round in 1...rounds {
                    for name in names {
                        _ = try await storage.updateUser(poolID: pool.id, usernameKey: name) { $0.setAttribute("custom:round", "\(round)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        for name in names {
            let user = try await storage.user(poolID: pool.id, usernameKey: name)
            #expect(user.attribute("custom:round") == "\(rounds)", "user \(name)")
        }
        try await storage.close()
    }
}

/// A flag one task sets and others poll.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
