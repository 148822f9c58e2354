import CognateStorage
import Foundation
import Synchronization
import Testing

@testable import CognateSQL
@testable import CognateSQLite

/// A reader's fill is dropped when a writer changed the cache after the reader took its generation:
/// the reader may have read the row as it was before that writer's commit.
@Suite struct CacheGenerationTests {
    @Test func aFillAfterAWriterChangeIsDropped() {
        let cache = FIFOCache<String>(capacity: 4)
        let before = cache.generation
        cache.store("new", key: "k")  // a writer commits and updates the entry
        cache.fill("old", key: "k", since: before)  // a reader that read before that commit
        #expect(cache["k"] == "new")

        cache.forget("k")
        let taken = cache.generation
        cache.fill("fresh", key: "k", since: taken)
        #expect(cache["k"] == "fresh")

        // Forgetting and clearing are writer changes too.
        let stale = cache.generation
        cache.forget("k")
        cache.fill("old", key: "k", since: stale)
        #expect(cache["k"] == nil)
        let cleared = cache.generation
        cache.clear()
        cache.fill("old", key: "k", since: cleared)
        #expect(cache["k"] == nil)
        cache.fill("after", key: "k", since: cache.generation)
        #expect(cache["k"] == "after")
    }

    @Test func recordCacheFillsFollowTheSameRule() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let pool = UserPool(
            id: "us-east-1_Gen", name: "gen", arn: "arn", creationDate: date, lastModifiedDate: date,
            settings: UserPoolSettings(), schema: [], tags: [:])
        let cache = RecordCache()
        let before = cache.generation
        cache.storeUserCount(5, poolID: pool.id)  // a writer
        cache.storeUserCount(4, poolID: pool.id, since: before)  // a reader's older count
        #expect(cache.userCount(pool.id).count == 5)
        cache.adjustUserCount(pool.id, by: 1)
        #expect(cache.userCount(pool.id).count == 6)
        #expect(cache.userCount(pool.id).read == false, "one owner of the database never reads a known count again")

        let taken = cache.generation
        var renamed = pool
        renamed.name = "renamed"
        cache.store(renamed)
        cache.store(pool, since: taken)
        #expect(cache.pool(pool.id)?.name == "renamed")
        cache.forgetPool(pool.id)
        cache.store(pool, since: cache.generation)
        #expect(cache.pool(pool.id)?.name == "gen")
    }

    /// On a shared database a count is used for its lifetime, exact for the node's own writes; past it one
    /// caller reads it again while the others take the older figure; a failed read hands the read on.
    @Test func sharedCountsLiveTwoSecondsAndOneCallerRefreshes() {
        let clock = Mutex(ContinuousClock.now)
        let cache = RecordCache(shared: true, countLifetime: .seconds(2), now: { clock.withLock { $0 } })
        #expect(cache.userCount("p") == (nil, true))
        cache.storeUserCount(10, poolID: "p", since: cache.generation)
        cache.adjustUserCount("p", by: 1)
        #expect(cache.userCount("p") == (11, false))
        cache.store(
            UserPool(
                id: "p", name: "n", arn: "a", creationDate: Date(), lastModifiedDate: Date(), settings: UserPoolSettings(),
                schema: [], tags: [:]))
        #expect(cache.pool("p") == nil, "a writer's record is forgotten on a shared database, not kept")

        clock.withLock { $0 += .seconds(2) }
        #expect(cache.userCount("p") == (11, true), "the first caller past the lifetime reads")
        #expect(cache.userCount("p") == (11, false), "the others take the older count meanwhile")
        cache.countFailed("p")
        #expect(cache.userCount("p") == (11, true), "after a failed read the next caller reads")
        let generation = cache.generation
        cache.adjustUserCount("p", by: -1)  // a delete commits while that read runs
        cache.storeUserCount(11, poolID: "p", since: generation)
        #expect(cache.userCount("p") == (10, true), "the read that missed the delete is dropped and read again")
        cache.storeUserCount(10, poolID: "p", since: cache.generation)
        #expect(cache.userCount("p") == (10, false))
        cache.forgetPool("p")
        #expect(cache.userCount("p") == (nil, true))
    }

    /// On a shared database the entries hold for one cache epoch: a higher one seen by a read drops them, a
    /// node's own write that follows the entries' epoch keeps them, and one that skipped another node's write
    /// drops them.
    @Test func sharedEntriesHoldForOneEpoch() {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let pool = UserPool(
            id: "us-east-1_Epoch", name: "epoch", arn: "arn", creationDate: date, lastModifiedDate: date,
            settings: UserPoolSettings(), schema: [], tags: [:])
        let cache = RecordCache(shared: true)
        cache.validate(epoch: 5)
        cache.store(pool, since: cache.generation)
        #expect(cache.pool(pool.id)?.name == "epoch", "a reader's fill is kept")
        cache.validate(epoch: 5)
        cache.validate(epoch: 4)
        #expect(cache.pool(pool.id) != nil, "the same or an older count keeps the entries")

        let filling = cache.generation
        cache.validate(epoch: 6)
        #expect(cache.pool(pool.id) == nil, "another node wrote: the entries go")
        cache.store(pool, since: filling)
        #expect(cache.pool(pool.id) == nil, "a fill read before the drop is not kept")

        cache.store(pool, since: cache.generation)
        cache.advance(to: 7)  // this node's own write, the next count
        #expect(cache.pool(pool.id) != nil)
        cache.advance(to: 6)
        #expect(cache.pool(pool.id) != nil, "a count the entries already include changes nothing")
        cache.advance(to: 9)  // another node's write came between
        #expect(cache.pool(pool.id) == nil)
        cache.store(pool, since: cache.generation)
        cache.validate(epoch: 9)
        #expect(cache.pool(pool.id) != nil)

        cache.clear()
        cache.validate(epoch: 9)
        cache.store(pool, since: cache.generation)
        #expect(cache.pool(pool.id) != nil, "a clear keeps the epoch the node knows")
    }
}
