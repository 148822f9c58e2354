import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import CognateServices

/// CIMD's parts: how URL patterns match, which documents pass, which addresses are fetched from, how long a
/// document is cached, and the resolution of a `client_id` URL against stored policies with a stand-in web.
@Suite struct ClientMetadataTests {
    @Test func patternsMatchWithinOneHostLabelAndAnyPath() throws {
        let pattern = MetadataURLPattern("https://*.example.com/clients/*")
        #expect(pattern.matches("https://a.example.com/clients/x"))
        #expect(pattern.matches("https://a-1.example.com/clients/x/y"))
        #expect(pattern.matches("https://a.example.com/clients/"))
        #expect(!pattern.matches("https://a.b.example.com/clients/x"), "one label only")
        #expect(!pattern.matches("https://evil.com/.example.com/clients/x"), "never into another host")
        #expect(!pattern.matches("https://.example.com/clients/x"), "at least one character")
        #expect(!pattern.matches("https://a.example.com:8443/clients/x"), "the port is compared too")
        #expect(!pattern.matches("https://a.example.com/other/x"))
        #expect(!pattern.matches("http://a.example.com/clients/x"))
        #expect(MetadataURLPattern("https://localhost:8443/*").matches("https://localhost:8443/a"))
        #expect(MetadataURLPattern("https://x.example.com/a").matches("https://x.example.com/a"))
        #expect(!MetadataURLPattern("https://x.example.com/a").matches("https://x.example.com/ab"))
        #expect(MetadataURLPattern("https://x.example.com/*/doc.json").matches("https://x.example.com/a/b/doc.json"))
        // Backtracking stays linear: a long subject against many stars answers at once.
        let stars = MetadataURLPattern("https://x.example.com/" + String(repeating: "*a", count: 40) + "b")
        #expect(!stars.matches("https://x.example.com/" + String(repeating: "a", count: 200)))
        #expect(MetadataURLPattern("https://a.example.com/x").specificity > MetadataURLPattern("https://*.example.com/*").specificity)
        #expect(throws: CognitoError.self) { try MetadataURLPattern(checking: "https://example.com") }
        #expect(throws: CognitoError.self) { try MetadataURLPattern(checking: "https://user@example.com/*") }
        #expect(throws: CognitoError.self) { try MetadataURLPattern(checking: "http://example.com/*") }
    }

    static let url = "https://agents.example.com/a"

    static func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

    static func valid(_ changes: [String: Any?] = [:]) -> [UInt8] {
        var object: [String: Any] = [
            "client_id": url, "redirect_uris": ["https://app.example.com/cb"], "token_endpoint_auth_method": "none", "client_name": "Agent",
        ]
        for (key, value) in changes { object[key] = value }
        return json(object)
    }

    @Test func documentsAreHeldToTheDraftAndToCognito() throws {
        let document = try ClientMetadataDocument(Self.valid(), url: Self.url)
        #expect(document.grantTypes == ["authorization_code"] && document.responseTypes == ["code"], "RFC 7591's defaults")
        #expect(document.flows == [.code] && document.clientName == "Agent" && document.scopes == nil)
        func reason(_ bytes: [UInt8]) -> String? {
            do {
                _ = try ClientMetadataDocument(bytes, url: Self.url)
                return nil
            } catch { return error.reason }
        }
        #expect(reason(Self.valid(["client_id": "https://agents.example.com/b"]))?.contains("client_id") == true)
        #expect(reason(Self.valid(["token_endpoint_auth_method": nil]))?.contains("must set") == true)
        #expect(reason(Self.valid(["token_endpoint_auth_method": "private_key_jwt"]))?.contains("must be none") == true)
        #expect(reason(Self.valid(["client_secret": "s"]))?.contains("client_secret") == true)
        #expect(reason(Self.valid(["redirect_uris": []]))?.contains("redirect_uris") == true)
        #expect(reason(Self.valid(["redirect_uris": ["https://app.example.com/cb#x"]]))?.contains("fragment") == true)
        #expect(reason(Self.valid(["grant_types": "authorization_code"]))?.contains("array") == true)
        #expect(reason(Array("[1]".utf8))?.contains("JSON object") == true)
        #expect(reason(Self.valid(["padding": String(repeating: "x", count: 6_000)]))?.contains("5 KB") == true)
        // client_credentials is never a CIMD client's flow; implicit needs both its grant and its response type.
        let both = try ClientMetadataDocument(
            Self.valid(["grant_types": ["authorization_code", "implicit", "client_credentials"], "response_types": ["code", "token"]]), url: Self.url)
        #expect(both.flows == [.code, .implicit])
    }

    @Test func theClientIsTheAppClientNarrowedByTheDocument() throws {
        var settings = UserPoolClientType(userPoolId: "p", clientName: "agents", clientId: "app")
        settings.allowedOAuthFlows = [.code, .implicit]
        settings.allowedOAuthScopes = ["openid", "email", "profile"]
        settings.callbackURLs = ["https://registered.example.com/cb"]
        settings.clientSecret = "secret"
        let app = AppClient(poolID: "p", clientID: "app", settings: settings, secrets: [ClientSecret(id: "s", value: "secret", creationDate: Date())])
        let document = try ClientMetadataDocument(Self.valid(["scope": "openid email phone"]), url: Self.url)
        let client = document.client(narrowing: app)
        #expect(client.clientID == "app" && client.metadataURL == Self.url && client.secrets.isEmpty && client.settings.clientSecret == nil)
        #expect(client.settings.allowedOAuthFlows == [.code])
        #expect(client.settings.allowedOAuthScopes == ["openid", "email"])
        #expect(client.settings.callbackURLs == ["https://app.example.com/cb"])
    }

    @Test func specialUseAddressesAreNotFetchedFrom() {
        for address in [
            "127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1",
            "::ffff:10.0.0.1", "192.0.2.10", "224.0.0.1", "not an address",
        ] {
            #expect(!AddressRule.publicOnly(allowingLoopback: false).permits(address), "\(address)")
        }
        for address in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            #expect(AddressRule.publicOnly(allowingLoopback: false).permits(address), "\(address)")
        }
        #expect(AddressRule.publicOnly(allowingLoopback: true).permits("127.0.0.1") && AddressRule.publicOnly(allowingLoopback: true).permits("::1"))
        #expect(!AddressRule.publicOnly(allowingLoopback: true).permits("10.0.0.1"))
        #expect(AddressRule.any.permits("10.0.0.1"))
    }

    @Test func documentsAreCachedForTheirMaxAgeWithinAWSBoundsElseThePolicysDuration() {
        let policy = CIMDPolicy(
            poolID: "p", policyID: "x", clientID: "c", name: "n", cacheDuration: 90_000, urlPatterns: [], creationDate: Date(),
            lastModifiedDate: Date())
        #expect(MetadataClients.lifetime(cacheControl: "public, max-age=172800", policy: policy) == 172_800)
        #expect(MetadataClients.lifetime(cacheControl: "max-age=60", policy: policy) == 90_000, "below a day")
        #expect(MetadataClients.lifetime(cacheControl: "max-age=99999999", policy: policy) == 90_000, "beyond a year")
        #expect(MetadataClients.lifetime(cacheControl: "no-cache", policy: policy) == 90_000)
        #expect(MetadataClients.lifetime(cacheControl: nil, policy: policy) == 90_000)
    }

    @Test func clientIdentifierURLsTakeTheDraftsForm() {
        #expect(MetadataClients.problem("https://agents.example.com/a") == nil)
        #expect(MetadataClients.problem("https://agents.example.com:8443/a/b") == nil)
        #expect(MetadataClients.problem("https://agents.example.com/")?.contains("path") == true)
        #expect(MetadataClients.problem("https://agents.example.com")?.contains("path") == true)
        #expect(MetadataClients.problem("https://u:p@agents.example.com/a")?.contains("user") == true)
        #expect(MetadataClients.problem("https://agents.example.com/a#f")?.contains("fragment") == true)
        #expect(MetadataClients.problem("https://agents.example.com/a?x=1")?.contains("query") == true)
        #expect(MetadataClients.problem("https://agents.example.com/a/../b")?.contains("segments") == true)
        #expect(MetadataClients.problem("https://agents.example.com/" + String(repeating: "a", count: 300)) != nil)
    }

    @Test func fetchesAtOnceAreBounded() async {
        let limit = InFlightLimit(1)
        let inner = await limit.run { await limit.run { 1 } }
        #expect(inner == .some(nil), "no second place while the first is held")
        #expect(await limit.run { 2 } == 2, "the place is free again")
    }

    /// A web that answers from a table and counts what it was asked.
    final class StandInWeb: WebClient {
        let answers: Mutex<[String: WebResponse]> = Mutex([:])
        let requests: Mutex<[WebRequest]> = Mutex([])
        func send(_ request: WebRequest) async throws -> WebResponse {
            requests.withLock { $0.append(request) }
            guard let answer = answers.withLock({ $0[request.url] }) else { throw WebError("no route to \(request.url)") }
            return answer
        }
        func serve(_ url: String, _ body: [UInt8], status: Int = 200) {
            answers.withLock { $0[url] = WebResponse(status: status, headers: [:], body: body) }
        }
        var count: Int { requests.withLock { $0.count } }
    }

    @Test func aURLIsResolvedThroughItsPolicyAndOnlyValidDocumentsAreCached() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let web = StandInWeb()
        let deps = ServiceDependencies(storage: storage, clock: SystemClock(), configuration: ServiceConfiguration(), logger: logger, web: web)
        do {
            let now = Date()
            for pool in ["us-east-1_A", "us-east-1_B"] {
                try await storage.createUserPool(
                    UserPool(
                        id: pool, name: pool, arn: "arn", creationDate: now, lastModifiedDate: now, settings: UserPoolSettings(), schema: [],
                        tags: [:]))
                var settings = UserPoolClientType(userPoolId: pool, clientName: "agents", clientId: "app" + pool)
                settings.allowedOAuthFlows = [.code]
                try await storage.createAppClient(AppClient(poolID: pool, clientID: "app" + pool, settings: settings, secrets: []))
            }
            func policy(_ pool: String, _ id: String, _ patterns: [String]) -> CIMDPolicy {
                CIMDPolicy(
                    poolID: pool, policyID: id, clientID: "app" + pool, name: id, cacheDuration: 86_400, urlPatterns: patterns, creationDate: now,
                    lastModifiedDate: now)
            }
            try await storage.createCIMDPolicy(policy("us-east-1_A", "broad", ["https://agents.example.com/*"]))
            try await storage.createCIMDPolicy(policy("us-east-1_A", "narrow", ["https://agents.example.com/a"]))
            let clients = MetadataClients(deps: deps)
            // No policy accepts it: nothing is fetched.
            guard case .failure(let unmatched) = try await clients.resolve("https://other.example.com/a", poolID: nil) else {
                Issue.record("no policy accepts it")
                return
            }
            #expect(unmatched.reason.contains("no CIMD policy"))
            #expect(web.count == 0)
            // A failure is not cached: the next request fetches again.
            web.serve(Self.url, Self.valid(["token_endpoint_auth_method": "client_secret_post"]))
            guard case .failure = try await clients.resolve(Self.url, poolID: nil) else {
                Issue.record("an invalid document was taken")
                return
            }
            web.serve(Self.url, Self.valid())
            guard case .success(let resolved) = try await clients.resolve(Self.url, poolID: nil) else {
                Issue.record("refused")
                return
            }
            #expect(resolved.policy.policyID == "narrow", "the most specific pattern decides")
            #expect(resolved.client.clientID == "appus-east-1_A" && resolved.client.metadataURL == Self.url)
            #expect(web.count == 2)
            let sent = try #require(web.requests.withLock { $0.last })
            #expect(!sent.followsRedirects && sent.maxAnswer == 5_120 && sent.addresses == .publicOnly(allowingLoopback: false))
            // Cached: the next resolution fetches nothing.
            _ = try await clients.resolve(Self.url, poolID: "us-east-1_A")
            #expect(web.count == 2)
            // Another pool's domain: its own policies only.
            guard case .failure = try await clients.resolve(Self.url, poolID: "us-east-1_B") else {
                Issue.record("another pool's policy")
                return
            }
            // Policies of two pools accept the URL: refused on Cognate's own address, served on each pool's domain.
            try await storage.createCIMDPolicy(policy("us-east-1_B", "b", ["https://agents.example.com/*"]))
            guard case .failure(let ambiguous) = try await clients.resolve(Self.url, poolID: nil) else {
                Issue.record("ambiguous")
                return
            }
            #expect(ambiguous.reason.contains("more than one user pool"))
            guard case .success(let onB) = try await clients.resolve(Self.url, poolID: "us-east-1_B") else {
                Issue.record("refused on B")
                return
            }
            #expect(onB.client.clientID == "appus-east-1_B")
            // The policy's app client deleted: refused, with why.
            try await storage.deleteAppClient(poolID: "us-east-1_B", clientID: "appus-east-1_B")
            guard case .failure(let gone) = try await clients.resolve(Self.url, poolID: "us-east-1_B") else {
                Issue.record("no client")
                return
            }
            #expect(gone.reason.contains("no longer exists"))
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
