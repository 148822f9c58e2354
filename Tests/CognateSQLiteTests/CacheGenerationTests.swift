@testable import CognateSQLite
import CognateStorage
import Foundation
import Testing

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
        #expect(cache.userCount(pool.id) == 5)
        cache.adjustUserCount(pool.id, by: 1)
        #expect(cache.userCount(pool.id) == 6)

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
}
