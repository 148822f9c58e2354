import CognateStorage
import CognitoModel
import Foundation
import Logging

/// How an `https` `client_id` becomes a client at `/oauth2/authorize` and the token endpoint: the URL is
/// held to the draft's form, matched against the pool's CIMD policies (no policy, no fetch), and its
/// document read from the cache or fetched — https only, no redirects, at most 5 KB, from no special-use
/// address — and validated. A valid document is cached for its `Cache-Control: max-age` when that lies
/// between one day and one year, else for the policy's `CacheDuration`; a failure is never cached.
struct MetadataClients {
    let deps: ServiceDependencies

    /// A CIMD client ready for a request: its pool, its policy, the client it acts as, and its document.
    struct Resolved: Sendable {
        var pool: UserPool
        var policy: CIMDPolicy
        var client: AppClient
        var document: ClientMetadataDocument
    }

    /// Why a CIMD client is refused, in words the client's developer can act on.
    struct Refusal: Error, Sendable, Equatable {
        let reason: String
    }

    /// Documents a policy keeps cached at most; past it, those expiring first are dropped.
    static let maxCachedPerPolicy = 1_000
    /// Policies an authorize request on no pool's domain is matched against, across pools.
    static let maxPoliciesScanned = 10_000
    static let oneDay = 86_400
    static let oneYear = 31_556_952

    /// Whether a `client_id` names a client metadata document rather than an app client.
    static func isMetadataURL(_ clientID: String) -> Bool { clientID.hasPrefix("https://") }

    /// `poolID`: the pool whose domain the request came to; nil on Cognate's own address (every pool's
    /// policies are matched, and a URL that policies of two pools match is refused). Throws only when the
    /// answer cannot be known (the database does not answer).
    func resolve(_ url: String, poolID: String?) async throws -> Result<Resolved, Refusal> {
        if let problem = Self.problem(url) { return .failure(Refusal(reason: problem)) }
        let policies: [CIMDPolicy]
        if let poolID {
            policies = try await poolPolicies(poolID)
        } else {
            policies = try await deps.storage.allCIMDPolicies(limit: Self.maxPoliciesScanned)
        }
        let matching: [Match] = policies.compactMap { policy in
            let specificities = policy.urlPatterns.map { MetadataURLPattern($0) }.filter { $0.matches(url) }.map { $0.specificity }
            return specificities.max().map { Match(policy: policy, specificity: $0) }
        }
        guard !matching.isEmpty else { return .failure(Refusal(reason: "no CIMD policy of the user pool accepts this client_id")) }
        if Set(matching.map { $0.policy.poolID }).count > 1 {
            return .failure(
                Refusal(reason: "CIMD policies of more than one user pool accept this client_id; send the request to the user pool's domain"))
        }
        // The most specific pattern decides; of equals, the policy created first.
        let policy = matching.sorted(by: Match.decidesBefore)[0].policy
        guard let app = try await StorageError.ifPresent({ try await deps.storage.appClient(poolID: policy.poolID, clientID: policy.clientID) })
        else { return .failure(Refusal(reason: "the app client of the CIMD policy that accepts this client_id no longer exists")) }
        let pool = try await deps.storage.userPool(id: policy.poolID)
        switch try await document(url, policy: policy) {
        case .failure(let refusal):
            return .failure(refusal)
        case .success(let document):
            return .success(Resolved(pool: pool, policy: policy, client: document.client(narrowing: app), document: document))
        }
    }

    /// A policy with a pattern that matches, and how specific its most specific such pattern is.
    struct Match {
        var policy: CIMDPolicy
        var specificity: Int

        static func decidesBefore(_ a: Match, _ b: Match) -> Bool {
            if a.specificity != b.specificity { return a.specificity > b.specificity }
            if a.policy.creationDate != b.policy.creationDate { return a.policy.creationDate < b.policy.creationDate }
            return a.policy.policyID < b.policy.policyID
        }
    }

    /// Every policy of the pool (a few dozen at most).
    func poolPolicies(_ poolID: String) async throws -> [CIMDPolicy] {
        var policies: [CIMDPolicy] = []
        var token: String?
        repeat {
            let page = try await deps.storage.listCIMDPolicies(poolID: poolID, PageRequest(token: token, limit: 60))
            policies += page.items
            token = page.nextToken
        } while token != nil
        return policies
    }

    /// The cached document while it is fresh; else a new fetch.
    func document(_ url: String, policy: CIMDPolicy) async throws -> Result<ClientMetadataDocument, Refusal> {
        if let cached = try await StorageError.ifPresent({
            try await deps.storage.clientMetadata(poolID: policy.poolID, policyID: policy.policyID, url: url)
        }), cached.expirationDate > deps.clock.now(), let document = try? ClientMetadataDocument(Array(cached.document.utf8), url: url) {
            return .success(document)
        }
        return try await fetch(url, policy: policy)
    }

    /// Fetches the document, and caches it when it is valid.
    func fetch(_ url: String, policy: CIMDPolicy) async throws -> Result<ClientMetadataDocument, Refusal> {
        guard let web = deps.web else { return .failure(Refusal(reason: "this server makes no outgoing requests")) }
        var request = WebRequest(url: url, headers: [("Accept", "application/json")])
        request.followsRedirects = false
        request.maxAnswer = ClientMetadataDocument.maxBytes
        request.addresses = deps.configuration.metadataDocumentAddresses
        let response: WebResponse
        do {
            guard let answered = try await deps.metadataFetches.run({ try await web.send(request) }) else {
                return .failure(Refusal(reason: "Cognate is fetching too many client metadata documents at once; try again in a moment"))
            }
            response = answered
        } catch {
            deps.logger.info("client metadata document \(url): \(error)")
            return .failure(Refusal(reason: "the client metadata document could not be retrieved: \(error)"))
        }
        guard response.status == 200 else {
            let redirect = (300..<400).contains(response.status) ? " (redirects are not followed)" : ""
            return .failure(Refusal(reason: "the client metadata document URL answered HTTP \(response.status)\(redirect); it must answer 200"))
        }
        let document: ClientMetadataDocument
        do {
            document = try ClientMetadataDocument(response.body, url: url)
        } catch {
            return .failure(Refusal(reason: "the client metadata document is not valid: \(error.reason)"))
        }
        let now = deps.clock.now()
        let lifetime = Self.lifetime(cacheControl: response.headers["cache-control"], policy: policy)
        // A policy deleted meanwhile keeps nothing; the document still served this request.
        _ = try await StorageError.ifPresent {
            try await deps.storage.putClientMetadata(
                CachedClientMetadata(
                    poolID: policy.poolID, policyID: policy.policyID, url: url, document: String(decoding: response.body, as: UTF8.self),
                    cachedDate: now, expirationDate: now.addingTimeInterval(TimeInterval(lifetime))),
                keepingAtMost: Self.maxCachedPerPolicy)
        }
        return .success(document)
    }

    /// The document's `max-age` when it lies between one day and one year, else the policy's duration.
    static func lifetime(cacheControl: String?, policy: CIMDPolicy) -> Int {
        for directive in (cacheControl ?? "").split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "max-age",
                let seconds = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))),
                (oneDay...oneYear).contains(seconds)
            {
                return seconds
            }
        }
        return policy.cacheDuration
    }

    /// What is wrong with `url` as a client identifier URL (the draft: https, a path, no user information,
    /// no dot segments, no fragment; Cognate also refuses a query, which the draft advises against), or nil.
    static func problem(_ url: String) -> String? {
        guard (12...256).contains(url.utf8.count), !url.contains(where: { $0.isWhitespace }) else {
            return "a client_id URL has 12 to 256 characters and no spaces"
        }
        guard let parsed = URLComponents(string: url), parsed.scheme == "https", let host = parsed.host, !host.isEmpty else {
            return "a client_id URL must be an https URL"
        }
        if parsed.user != nil || parsed.password != nil { return "a client_id URL may not contain user information" }
        if parsed.fragment != nil || url.contains("#") { return "a client_id URL may not contain a fragment" }
        if parsed.query != nil || url.contains("?") { return "a client_id URL may not contain a query" }
        let path = parsed.percentEncodedPath
        guard path.hasPrefix("/"), path.count > 1 else { return "a client_id URL must contain a path" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) {
            return "a client_id URL may not contain . or .. path segments"
        }
        return nil
    }
}
