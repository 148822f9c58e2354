import CognateStorage
import CognitoModel
import Foundation
import Metrics
import Synchronization

/// `--enforce-quotas`: AWS's request rates, counted per account (the server's one) and Region. Each request
/// takes a token from its category's bucket, which refills at the category's rate (its default, or the
/// provisioned limit); with none left the request is refused before any work (`TooManyRequestsException`, or
/// HTTP 429 on the web side). RespondToAuthChallenge and AdminRespondToAuthChallenge draw first on their own
/// allowance of three times the UserAuthentication rate and past it on the category's; answering
/// NEW_PASSWORD_REQUIRED counts as UserAccountRecovery. Each operation of the pool-resource and app-client
/// categories also has 5 requests a second for any one pool. The buckets are this process's own: nodes
/// sharing a database each admit the full rate (docs/COVERAGE.md).
public final class QuotaGate: Sendable {
    /// How long rates read from storage are used before they are read again, so a limit provisioned through
    /// another node applies here within this time (at once through this one).
    static let refreshInterval: TimeInterval = 1
    /// Buckets kept at most: past this, full ones (the same as new) are forgotten, then any.
    static let maxBuckets = 10_000
    /// Regions whose rates are kept at most (a Region is whatever a request's signature names).
    static let maxRegions = 64

    private struct Key: Hashable {
        var region: String
        var category: QuotaCategory
        /// The pool and operation of a per-pool bucket.
        var pool: String? = nil
        var operation: String? = nil
        /// The challenge answers' own allowance.
        var challenge = false
    }

    private struct Rates {
        var values: [QuotaCategory: Int]
        var read: Date
    }

    private struct State {
        var buckets: [Key: TokenBucket] = [:]
        var rates: [String: Rates] = [:]
    }

    let storage: any ProvisionedLimitStorage
    let clock: any Clock
    private let state = Mutex(State())

    public init(storage: any ProvisionedLimitStorage, clock: any Clock) {
        self.storage = storage
        self.clock = clock
    }

    public static let refusal = CognitoError(.tooManyRequestsException, "Rate exceeded")

    /// Counts one request of the API; throws `TooManyRequestsException` past its rate.
    public func admit(_ operation: CognitoOperation, body: Data, region: String) async throws {
        var category = QuotaCategory(operation)
        var challenge = QuotaCategory.hasChallengeAllowance(operation)
        var pool: String?
        if challenge || category.perPoolOperationRate != nil {
            let fields = RequestFields(body)
            if challenge && fields.challengeName == "NEW_PASSWORD_REQUIRED" {
                category = .userAccountRecovery
                challenge = false
            }
            pool = fields.poolID
        }
        guard
            try await admits(
                category, region: region, pool: category.perPoolOperationRate == nil ? nil : pool, operation: operation.rawValue,
                challenge: challenge)
        else { throw Self.refusal }
    }

    /// Counts one request of the web side (managed login, the OAuth endpoints); false: refused.
    public func admits(_ category: QuotaCategory, region: String) async throws -> Bool {
        try await admits(category, region: region, pool: nil, operation: nil, challenge: false)
    }

    /// A limit provisioned through this node: enforced here from now on.
    public func provisioned(_ category: QuotaCategory, _ value: Int, region: String) {
        state.withLock { $0.rates[region]?.values[category] = value }
    }

    private func admits(_ category: QuotaCategory, region: String, pool: String?, operation: String?, challenge: Bool) async throws -> Bool {
        let rate = Double(try await self.rate(category, region: region))
        let now = clock.now().timeIntervalSince1970
        let admitted = state.withLock { state -> Bool in
            if state.buckets.count >= Self.maxBuckets { Self.forget(&state.buckets, now: now) }
            func ready(_ key: Key, _ rate: Double) -> Bool {
                var bucket = state.buckets[key] ?? TokenBucket(rate: rate, now: now)
                let has = bucket.refill(rate: rate, now: now)
                state.buckets[key] = bucket
                return has
            }
            let whole = Key(region: region, category: category)
            if challenge {
                let own = Key(region: region, category: category, challenge: true)
                if ready(own, rate * 3) {
                    state.buckets[own]?.take()
                    return true
                }
            }
            var needed = [(whole, rate)]
            if let pool, let perPool = category.perPoolOperationRate {
                needed.append((Key(region: region, category: category, pool: pool, operation: operation), Double(perPool)))
            }
            // Every bucket is brought up to date before any token is taken, so a refusal takes none.
            let ready = needed.map { ready($0.0, $0.1) }
            guard !ready.contains(false) else { return false }
            for (key, _) in needed { state.buckets[key]?.take() }
            return true
        }
        Counter(label: "cognate_quota_calls_total", dimensions: [("category", category.rawValue)]).increment()
        if !admitted { Counter(label: "cognate_throttled_requests_total", dimensions: [("category", category.rawValue)]).increment() }
        return admitted
    }

    /// The rate enforced for the category in the Region: its provisioned limit, else its default.
    func rate(_ category: QuotaCategory, region: String) async throws -> Int {
        let now = clock.now()
        let cached = state.withLock { state -> Rates? in
            guard let rates = state.rates[region], abs(now.timeIntervalSince(rates.read)) < Self.refreshInterval else { return nil }
            return rates
        }
        let rates: Rates
        if let cached {
            rates = cached
        } else {
            var values: [QuotaCategory: Int] = [:]
            for limit in try await storage.provisionedLimits(region: region) {
                if let category = QuotaCategory(rawValue: limit.category) { values[category] = limit.value }
            }
            rates = Rates(values: values, read: now)
            state.withLock { state in
                if state.rates.count >= Self.maxRegions && state.rates[region] == nil { state.rates.removeAll() }
                state.rates[region] = rates
            }
        }
        return rates.values[category] ?? category.defaultRate
    }

    /// How many buckets are kept now.
    var bucketCount: Int { state.withLock { $0.buckets.count } }

    /// Makes room: buckets that are full again go (they are the same as new ones), then, if that was not
    /// enough, any until half the room is free.
    private static func forget(_ buckets: inout [Key: TokenBucket], now: Double) {
        buckets = buckets.filter { !$0.value.isFull(now: now) }
        if buckets.count >= maxBuckets {
            for key in buckets.keys.prefix(buckets.count - maxBuckets / 2) { buckets[key] = nil }
        }
    }

    /// The parts of a request body the gate needs: the pool it is for and the challenge it answers.
    struct RequestFields {
        var poolID: String?
        var challengeName: String?

        init(_ body: Data) {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return }
            challengeName = object["ChallengeName"] as? String
            // A pool ID is at most 55 characters: no longer key is kept, however long the request's.
            if let pool = object["UserPoolId"] as? String {
                poolID = String(pool.prefix(64))
            } else if let arn = object["ResourceArn"] as? String, let range = arn.range(of: ":userpool/") {
                poolID = String(arn[range.upperBound...].prefix(64))
            }
        }
    }
}
