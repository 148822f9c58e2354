import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Testing

/// A file database keeps what was written across a reopen, and migrations run once.
@Suite struct SQLitePersistenceTests {
    @Test func reopenKeepsData() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-\(UUID().uuidString)/db.sqlite").path
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let pool = UserPool(
            id: "us-east-1_Keep", name: "keep", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/us-east-1_Keep",
            creationDate: date, lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: ["a": "b"]
        )
        do {
            let storage = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"))
            try await storage.createUserPool(pool)
            try await storage.close()
        }
        let reopened = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"))
        let stored = try await reopened.userPool(id: "us-east-1_Keep")
        try await reopened.close()
        #expect(stored == pool)
    }

    /// Writes acknowledged while many writers share commits are all on disk after a reopen.
    @Test func concurrentWritesSurviveAReopen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-\(UUID().uuidString)/db.sqlite").path
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let pool = UserPool(
            id: "us-east-1_Many", name: "many", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/us-east-1_Many",
            creationDate: date, lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: [:]
        )
        do {
            let storage = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"))
            try await storage.createUserPool(pool)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await storage.createUser(
                            User(
                                poolID: pool.id, username: "u\(i)", usernameKey: "u\(i)", sub: "sub-\(i)", attributes: [],
                                status: "CONFIRMED", enabled: true, creationDate: date, lastModifiedDate: date, aliasKeys: []))
                    }
                }
                try await group.waitForAll()
            }
            try await storage.close()
        }
        let reopened = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"), cachedUsers: 0)
        let count = try await reopened.countUsers(poolID: pool.id)
        let last = try await reopened.user(poolID: pool.id, usernameKey: "u199")
        try await reopened.close()
        #expect(count == 200)
        #expect(last.sub == "sub-199")
    }
}
