import CognatePostgres
import CognateSQL
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

/// Two storages on one database stand for two nodes that cache pools, app clients and domains: a change
/// acknowledged on one is what any request that begins afterwards reads on the other, however warm its cache.
@Suite struct CacheEpochTests {
    static let date = Date(timeIntervalSince1970: 1_700_000_000)
    static let poolID = "us-east-1_Epochs"

    static func pool() -> UserPool {
        UserPool(
            id: poolID, name: "v0", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/\(poolID)", creationDate: date,
            lastModifiedDate: date, settings: UserPoolSettings(), schema: [], tags: [:])
    }

    static func domain(_ name: String) -> UserPoolDomain {
        UserPoolDomain(
            domain: name, poolID: poolID, kind: .prefix, managedLoginVersion: 1, customDomainConfig: nil, creationDate: date,
            lastModifiedDate: date)
    }

    /// What a request that begins now reads: its own scope, as the server gives each request.
    static func request<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await CacheValidation.$current.withValue(CacheValidation()) { try await body() }
    }

    static func twoNodes(_ body: (SQLStorage, SQLStorage) async throws -> Void) async throws {
        try await TestDatabase.with { url in
            let first = try await PostgresStorage.open(url: url, logger: Logger(label: "a"), connections: 8)
            let second = try await PostgresStorage.open(url: url, logger: Logger(label: "b"), connections: 8)
            do {
                try await body(first, second)
            } catch {
                try? await first.close()
                try? await second.close()
                throw error
            }
            try await first.close()
            try await second.close()
        }
    }

    @Test func aChangeOnOneNodeIsReadByTheNextRequestOnAnother() async throws {
        try await Self.twoNodes { first, second in
            try await first.createUserPool(Self.pool())
            let client = AppClient(
                poolID: Self.poolID, clientID: "client1",
                settings: UserPoolClientType(userPoolId: Self.poolID, clientName: "c0", clientId: "client1"), secrets: [])
            try await first.createAppClient(client)
            for round in 1...12 {
                let (writer, reader) = round % 2 == 0 ? (first, second) : (second, first)
                // Both caches warm, in requests of their own.
                for node in [first, second] {
                    _ = try await Self.request {
                        (
                            try await node.userPool(id: Self.poolID), try await node.appClient(clientID: "client1"),
                            try await node.domains(poolID: Self.poolID)
                        )
                    }
                }
                _ = try await writer.updateUserPool(id: Self.poolID) { $0.name = "v\(round)" }
                _ = try await writer.updateAppClient(poolID: Self.poolID, clientID: "client1") { $0.settings.clientName = "c\(round)" }
                // One prefix domain per pool: the last round's goes first.
                if round > 1 { try await writer.deleteDomain(name: "d\(round - 1)") }
                try await writer.createDomain(Self.domain("d\(round)"))
                for node in [reader, writer] {
                    let (pool, client, domains) = try await Self.request {
                        (
                            try await node.userPool(id: Self.poolID), try await node.appClient(clientID: "client1"),
                            try await node.domains(poolID: Self.poolID)
                        )
                    }
                    #expect(pool.name == "v\(round)")
                    #expect(client.settings.clientName == "c\(round)")
                    #expect(domains.map(\.domain) == ["d\(round)"])
                }
            }
            try await second.deleteAppClient(poolID: Self.poolID, clientID: "client1")
            await #expect(throws: StorageError.self) { try await Self.request { try await first.appClient(clientID: "client1") } }
            try await first.deleteUserPool(id: Self.poolID)
            await #expect(throws: StorageError.self) { try await Self.request { try await second.userPool(id: Self.poolID) } }
            await #expect(throws: StorageError.self) { try await Self.request { try await first.userPool(id: Self.poolID) } }
        }
    }

    /// One node renames the pool again and again while requests on the other read it without pause: every
    /// request reads at least the last name acknowledged before it began.
    @Test func concurrentReadersNeverSeeAnAcknowledgedChangeUndone() async throws {
        try await Self.twoNodes { first, second in
            try await first.createUserPool(Self.pool())
            let progress = Progress()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !progress.done.load(ordering: .acquiring) {
                            let before = progress.acknowledged.load(ordering: .acquiring)
                            let name = try await Self.request { try await second.userPool(id: Self.poolID).name }
                            let seen = Int(name.dropFirst()) ?? -1
                            #expect(seen >= before, "read \(name) after v\(before) was acknowledged")
                            progress.reads.add(1, ordering: .relaxed)
                            // Reads from a cache do not suspend: the writer gets its turn on two cores.
                            await Task.yield()
                        }
                    }
                }
                group.addTask {
                    defer { progress.done.store(true, ordering: .releasing) }
                    for version in 1...40 {
                        _ = try await first.updateUserPool(id: Self.poolID) { $0.name = "v\(version)" }
                        progress.acknowledged.store(version, ordering: .releasing)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                try await group.waitForAll()
            }
            #expect(progress.reads.load(ordering: .relaxed) > 40)
        }
    }

    /// A reset on one node empties what the other cached.
    @Test func aResetOnOneNodeEmptiesTheOthersCache() async throws {
        try await Self.twoNodes { first, second in
            try await first.createUserPool(Self.pool())
            _ = try await Self.request { try await second.userPool(id: Self.poolID) }
            try await first.reset()
            await #expect(throws: StorageError.self) { try await Self.request { try await second.userPool(id: Self.poolID) } }
        }
    }
}

/// What the writer has had acknowledged, and how many reads the readers made.
private final class Progress: Sendable {
    let acknowledged = Atomic<Int>(0)
    let done = Atomic<Bool>(false)
    let reads = Atomic<Int>(0)
}
