import CognatePostgres
import CognateSQL
import CognateStorage
import CognitoModel
import Foundation
import Testing

/// A request the server can run again answers cached reads at once, and its reads by key bring the cache
/// epoch back with their rows: the answers stand only if no other node's write came in between, and the
/// request changes nothing and calls nothing before that is known.
@Suite struct ProvisionalCacheTests {
    static let date = CacheEpochTests.date
    static let poolID = CacheEpochTests.poolID

    static func user(_ name: String) -> User {
        User(
            poolID: poolID, username: name, usernameKey: name, sub: "sub-" + name, attributes: [], status: "CONFIRMED", enabled: true,
            creationDate: date, lastModifiedDate: date)
    }

    /// A pool and a user, and the reader's cache warm with the pool.
    static func prepared(_ body: (SQLStorage, SQLStorage) async throws -> Void) async throws {
        try await CacheEpochTests.twoNodes { writer, reader in
            try await writer.createUserPool(CacheEpochTests.pool())
            try await writer.createUser(user("ann"))
            _ = try await CacheEpochTests.request { try await reader.userPool(id: poolID) }
            try await body(writer, reader)
        }
    }

    static func provisional<T: Sendable>(_ body: (CacheValidation) async throws -> T) async throws -> T {
        let validation = CacheValidation(provisional: true)
        return try await CacheValidation.$current.withValue(validation) { try await body(validation) }
    }

    @Test func aReadByKeyConfirmsTheCachedAnswersWhenNothingChanged() async throws {
        try await Self.prepared { _, reader in
            try await Self.provisional { validation in
                let cached = try await reader.userPool(id: Self.poolID)
                #expect(cached.name == "v0")
                #expect(try await reader.user(poolID: Self.poolID, usernameKey: "ann").username == "ann")
                #expect(!validation.isStale)
                try await validation.confirm()
                // A write in the same request goes ahead.
                try await reader.createUser(Self.user("bob"))
            }
            #expect(try await CacheEpochTests.request { try await reader.user(poolID: Self.poolID, usernameKey: "bob") }.sub == "sub-bob")
        }
    }

    @Test func anotherNodesWriteMakesTheAnswerStaleAndNothingIsWritten() async throws {
        try await Self.prepared { writer, reader in
            _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v1" }
            try await Self.provisional { validation in
                // The cache answers with what it holds ...
                let cached = try await reader.userPool(id: Self.poolID)
                #expect(cached.name == "v0")
                // ... and the next read by key finds that another node wrote since.
                await #expect(throws: CacheValidation.Stale.self) { try await reader.user(poolID: Self.poolID, usernameKey: "ann") }
                #expect(validation.isStale)
                await #expect(throws: CacheValidation.Stale.self) { try await validation.confirm() }
                await #expect(throws: CacheValidation.Stale.self) { try await reader.createUser(Self.user("bob")) }
            }
            await #expect(throws: StorageError.notFound) {
                try await CacheEpochTests.request { try await writer.user(poolID: Self.poolID, usernameKey: "bob") }
            }
            // Run again, checked first, the request reads the change.
            #expect(try await CacheEpochTests.request { try await reader.userPool(id: Self.poolID) }.name == "v1")
        }
    }

    @Test func aRequestWithoutAReadByKeyIsCheckedBeforeItsAnswerOrItsWrite() async throws {
        try await Self.prepared { writer, reader in
            // Nothing changed: the confirmation reads the count and the answer stands.
            try await Self.provisional { validation in
                let cached = try await reader.userPool(id: Self.poolID)
                #expect(cached.name == "v0")
                try await validation.confirm()
                #expect(!validation.isStale)
            }
            _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v2" }
            // A change: the answer may not leave, and a write does not happen.
            try await Self.provisional { validation in
                let cached = try await reader.userPool(id: Self.poolID)
                #expect(cached.name == "v0")
                await #expect(throws: CacheValidation.Stale.self) { try await reader.createUser(Self.user("cat")) }
                #expect(validation.isStale)
            }
            await #expect(throws: StorageError.notFound) {
                try await CacheEpochTests.request { try await writer.user(poolID: Self.poolID, usernameKey: "cat") }
            }
        }
    }

    @Test func aFilteredListingBringsTheEpochToo() async throws {
        try await Self.prepared { writer, reader in
            let bySub = UserFilter(field: .sub, match: .equals, value: "sub-ann")
            let byName = UserFilter(field: .username, match: .prefix, value: "an")
            try await Self.provisional { validation in
                _ = try await reader.userPool(id: Self.poolID)
                #expect(try await reader.listUsers(poolID: Self.poolID, filter: bySub, PageRequest(limit: 10)).items.map(\.username) == ["ann"])
                #expect(!validation.isStale)
            }
            _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v4" }
            for filter in [bySub, byName] {
                try await Self.provisional { validation in
                    _ = try await reader.userPool(id: Self.poolID)
                    await #expect(throws: CacheValidation.Stale.self) {
                        try await reader.listUsers(poolID: Self.poolID, filter: filter, PageRequest(limit: 10))
                    }
                    #expect(validation.isStale)
                }
                // The reader's cache is behind no more once it saw the count.
                _ = try await CacheEpochTests.request { try await reader.userPool(id: Self.poolID) }
                _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v5" }
            }
        }
    }

    @Test func aReadByKeyThatFindsNothingLeavesTheCheckToTheEnd() async throws {
        try await Self.prepared { writer, reader in
            _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v3" }
            try await Self.provisional { validation in
                let cached = try await reader.userPool(id: Self.poolID)
                #expect(cached.name == "v0")
                await #expect(throws: StorageError.notFound) { try await reader.user(poolID: Self.poolID, usernameKey: "nobody") }
                #expect(!validation.isStale)
                await #expect(throws: CacheValidation.Stale.self) { try await validation.confirm() }
            }
        }
    }
}
