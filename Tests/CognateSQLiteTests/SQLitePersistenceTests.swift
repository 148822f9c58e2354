import CognateSQLite
import CognateStorage
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
}
