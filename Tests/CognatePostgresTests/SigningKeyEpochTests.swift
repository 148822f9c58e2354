import CognateCrypto
import CognatePostgres
import CognateSQL
import CognateStorage
import Foundation
import Testing

@testable import CognateServices

/// Each node keeps a pool's signing keys parsed: a pool deleted and made again under its ID on another node
/// (a reset, a fixed ID) is signed and verified with its new key by the next request on every node.
@Suite struct SigningKeyEpochTests {
    @Test func aPoolMadeAgainOnAnotherNodeIsSignedWithItsNewKey() async throws {
        try await CacheEpochTests.twoNodes { first, second in
            let writer = KeyRing(storage: first, clock: SystemClock())
            let reader = KeyRing(storage: second, clock: SystemClock())
            try await first.createUserPool(CacheEpochTests.pool())
            let poolID = CacheEpochTests.poolID
            let old = try await CacheEpochTests.request { try await reader.signer(poolID: poolID).kid }
            #expect(try await CacheEpochTests.request { try await reader.signer(poolID: poolID).kid } == old)
            try await first.deleteUserPool(id: poolID)
            try await first.createUserPool(CacheEpochTests.pool())
            let new = try await CacheEpochTests.request { try await writer.signer(poolID: poolID).kid }
            #expect(new != old)
            #expect(try await CacheEpochTests.request { try await reader.signer(poolID: poolID).kid } == new)
            #expect(try await CacheEpochTests.request { try await reader.signers(poolID: poolID).map(\.kid) } == [new])
        }
    }

    @Test func aChangeToThePoolKeepsItsKey() async throws {
        try await CacheEpochTests.twoNodes { first, second in
            let ring = KeyRing(storage: second, clock: SystemClock())
            try await first.createUserPool(CacheEpochTests.pool())
            let poolID = CacheEpochTests.poolID
            let kid = try await CacheEpochTests.request { try await ring.signer(poolID: poolID).kid }
            // The count moves; the pool's key is the same one.
            _ = try await first.updateUserPool(id: poolID) { $0.name = "v1" }
            #expect(try await CacheEpochTests.request { try await ring.signers(poolID: poolID).map(\.kid) } == [kid])
        }
    }
}
