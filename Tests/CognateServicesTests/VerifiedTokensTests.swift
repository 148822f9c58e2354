import Testing

@testable import CognateServices

/// The cache of verified access tokens: bounded, and forgotten with a pool's keys.
@Suite struct VerifiedTokensTests {
    @Test func boundedAndForgottenByPool() {
        let cache = VerifiedTokens(capacity: 4)
        for i in 0..<4 { cache.remember("t\(i)", .init(poolID: i % 2 == 0 ? "a" : "b", claims: ["n": .int(i)])) }
        #expect(cache["t3"]?.claims["n"]?.int == 3)
        // The fifth entry forgets the oldest half.
        cache.remember("t4", .init(poolID: "a", claims: [:]))
        #expect(cache["t0"] == nil && cache["t1"] == nil && cache["t2"] != nil && cache["t4"] != nil)
        // Remembering a token twice keeps one entry.
        cache.remember("t4", .init(poolID: "a", claims: [:]))
        cache.forget(poolID: "a")
        #expect(cache["t2"] == nil && cache["t4"] == nil && cache["t3"]?.poolID == "b")
        cache.forget(poolID: nil)
        #expect(cache["t3"] == nil)
    }
}
