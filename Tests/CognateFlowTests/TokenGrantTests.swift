import CognateTesting
import CognitoModel
import Foundation
import HTTPTypes
import Testing

/// The token endpoint's grants over HTTP, in-process: client_credentials, authorization_code with PKCE
/// after the managed login's form, refresh_token with and without rotation, token exchange, and revocation.
@Suite struct TokenGrantTests {
    static let orders = "https://orders.example.com"
    static let callback = "http://localhost/cb"
    static let password = "Str0ng-Passw0rd!"
    static let exchange = "urn:ietf:params:oauth:grant-type:token-exchange"
    static let accessType = "urn:ietf:params:oauth:token-type:access_token"

    static func basic(_ id: String, _ secret: String?) -> HTTPFields {
        [.authorization: "Basic " + Data("\(id):\(secret ?? "")".utf8).base64EncodedString()]
    }

    func ordersPool(_ cognate: TestCognate) async throws -> String {
        let pool = try await cognate.pool()
        try await cognate.call(
            Operations.CreateResourceServer.self,
            CreateResourceServerRequest(
                userPoolId: pool, identifier: Self.orders, name: "Orders",
                scopes: [
                    ResourceServerScopeType(scopeName: "read", scopeDescription: "Read"),
                    ResourceServerScopeType(scopeName: "write", scopeDescription: "Write"),
                ]))
        return pool
    }

    /// A web app with the code flow, and a confirmed user.
    func webApp(_ cognate: TestCognate, _ pool: String, configure: @escaping (inout CreateUserPoolClientRequest) -> Void = { _ in }) async throws
        -> TestCognate.Client
    {
        let client = try await cognate.client(pool, flows: [.allowRefreshTokenAuth]) {
            $0.allowedOAuthFlows = [.code]
            $0.allowedOAuthFlowsUserPoolClient = true
            $0.allowedOAuthScopes = ["openid", "email", Self.orders + "/read", Self.orders + "/write"]
            $0.callbackURLs = [Self.callback]
            $0.supportedIdentityProviders = ["COGNITO"]
            configure(&$0)
        }
        try await cognate.confirmedUser(pool, "carol", password: Self.password, email: "carol@example.com")
        return client
    }

    /// Signs in through the managed login's form and answers the code the redirect carries.
    func code(_ web: WebSession, _ client: TestCognate.Client, scope: String, challenge: String? = nil) async throws -> String {
        var query = ["response_type": "code", "client_id": client.id, "redirect_uri": Self.callback, "scope": scope, "state": "s-1"]
        if let challenge {
            query["code_challenge"] = challenge
            query["code_challenge_method"] = "S256"
        }
        let uri = "/login?" + WebSession.encode(query)
        let page = try await web.get(uri)
        #expect(page.status == 200)
        let csrf = try #require(page.field("_csrf"))
        let answer = try await web.post(uri, form: ["_csrf": csrf, "username": "carol", "password": Self.password])
        #expect(answer.status == 302)
        #expect(answer.location?.hasPrefix(Self.callback) == true)
        #expect(answer.redirectQuery["state"] == "s-1")
        return try #require(answer.redirectQuery["code"])
    }

    @Test func clientCredentialsMintsAMachineToken() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let machine = try await cognate.client(pool, flows: [], secret: true) {
                $0.allowedOAuthFlows = [.clientCredentials]
                $0.allowedOAuthFlowsUserPoolClient = true
                $0.allowedOAuthScopes = [Self.orders + "/read", Self.orders + "/write"]
            }
            try await cognate.http { web in
                let answer = try await web.post(
                    "/oauth2/token", form: ["grant_type": "client_credentials"], headers: Self.basic(machine.id, machine.secret))
                #expect(answer.status == 200)
                #expect(answer.json["token_type"] as? String == "Bearer")
                #expect(answer.json["expires_in"] as? Int == 3600)
                #expect(answer.json["refresh_token"] == nil && answer.json["id_token"] == nil)
                let claims = JWTClaims.of(answer.json["access_token"] as? String)
                #expect(claims[member: "client_id"]?.text == machine.id)
                #expect(claims[member: "sub"]?.text == machine.id)
                #expect(claims[member: "scope"]?.text == "\(Self.orders)/read \(Self.orders)/write")

                let narrow = try await web.post(
                    "/oauth2/token", form: ["grant_type": "client_credentials", "scope": Self.orders + "/read"],
                    headers: Self.basic(machine.id, machine.secret))
                #expect(JWTClaims.of(narrow.json["access_token"] as? String)[member: "scope"]?.text == Self.orders + "/read")

                // The secret may come in the form instead of the header.
                let posted = try await web.post(
                    "/oauth2/token", form: ["grant_type": "client_credentials", "client_id": machine.id, "client_secret": machine.secret ?? ""])
                #expect(posted.status == 200)

                let wrong = try await web.post("/oauth2/token", form: ["grant_type": "client_credentials"], headers: Self.basic(machine.id, "wrong"))
                #expect(wrong.status == 401 && wrong.json["error"] as? String == "invalid_client")
                let scope = try await web.post(
                    "/oauth2/token", form: ["grant_type": "client_credentials", "scope": "billing/read"],
                    headers: Self.basic(machine.id, machine.secret))
                #expect(scope.status == 400 && scope.json["error"] as? String == "invalid_scope")
                let unknown = try await web.post("/oauth2/token", form: ["grant_type": "password"], headers: Self.basic(machine.id, machine.secret))
                #expect(unknown.status == 400 && unknown.json["error"] as? String == "unsupported_grant_type")
            }
        }
    }

    @Test func aPublicClientMayNotUseClientCredentials() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let app = try await webApp(cognate, pool)
            try await cognate.http { web in
                let answer = try await web.post("/oauth2/token", form: ["grant_type": "client_credentials", "client_id": app.id])
                #expect(answer.status >= 400)
                #expect(answer.json["access_token"] == nil)
            }
        }
    }

    @Test func authorizationCodeWithPKCE() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let app = try await webApp(cognate, pool)
            let verifier = String(repeating: "v", count: 43)
            try await cognate.http { web in
                let first = try await code(web, app, scope: "openid email \(Self.orders)/read", challenge: PKCE.s256(verifier))
                let form = ["grant_type": "authorization_code", "client_id": app.id, "code": first, "redirect_uri": Self.callback]
                // A wrong verifier does not redeem the code; the code is then spent.
                var wrong = form
                wrong["code_verifier"] = String(repeating: "w", count: 43)
                let refused = try await web.post("/oauth2/token", form: wrong)
                #expect(refused.status == 400 && refused.json["error"] as? String == "invalid_grant")

                let again = try await code(web, app, scope: "openid email \(Self.orders)/read", challenge: PKCE.s256(verifier))
                var right = form
                right["code"] = again
                right["code_verifier"] = verifier
                let tokens = try await web.post("/oauth2/token", form: right)
                #expect(tokens.status == 200)
                let access = JWTClaims.of(tokens.json["access_token"] as? String)
                #expect(access[member: "username"]?.text == "carol")
                #expect(Set((access[member: "scope"]?.text ?? "").split(separator: " ")) == ["openid", "email", "\(Self.orders)/read"])
                let id = JWTClaims.of(tokens.json["id_token"] as? String)
                #expect(id[member: "email"]?.text == "carol@example.com")
                #expect(id[member: "aud"]?.text == app.id)
                #expect(tokens.json["refresh_token"] is String)
                // A code is redeemed once.
                let replay = try await web.post("/oauth2/token", form: right)
                #expect(replay.status == 400 && replay.json["error"] as? String == "invalid_grant")
            }
        }
    }

    @Test func aCodeIsBoundToItsRedirectAndExpires() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let app = try await webApp(cognate, pool)
            try await cognate.http { web in
                let first = try await code(web, app, scope: "openid")
                let elsewhere = try await web.post(
                    "/oauth2/token",
                    form: ["grant_type": "authorization_code", "client_id": app.id, "code": first, "redirect_uri": "http://localhost/other"])
                #expect(elsewhere.status == 400 && elsewhere.json["error"] as? String == "invalid_grant")
                let second = try await code(web, app, scope: "openid")
                cognate.clock.advance(by: 10 * 60)
                let late = try await web.post(
                    "/oauth2/token", form: ["grant_type": "authorization_code", "client_id": app.id, "code": second, "redirect_uri": Self.callback])
                #expect(late.status == 400 && late.json["error"] as? String == "invalid_grant")
            }
        }
    }

    @Test func refreshGrantRotatesWhenTheClientDoes() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let plain = try await webApp(cognate, pool)
            let rotating = try await cognate.client(pool, flows: [.allowRefreshTokenAuth]) {
                $0.allowedOAuthFlows = [.code]
                $0.allowedOAuthFlowsUserPoolClient = true
                $0.allowedOAuthScopes = ["openid"]
                $0.callbackURLs = [Self.callback]
                $0.supportedIdentityProviders = ["COGNITO"]
                $0.refreshTokenRotation = RefreshTokenRotationType(feature: .enabled, retryGracePeriodSeconds: 0)
            }
            try await cognate.http { web in
                for (client, rotates) in [(plain, false), (rotating, true)] {
                    let issued = try await code(web, client, scope: "openid")
                    let tokens = try await web.post(
                        "/oauth2/token",
                        form: ["grant_type": "authorization_code", "client_id": client.id, "code": issued, "redirect_uri": Self.callback])
                    let refresh = try #require(tokens.json["refresh_token"] as? String)
                    let refreshed = try await web.post(
                        "/oauth2/token", form: ["grant_type": "refresh_token", "client_id": client.id, "refresh_token": refresh])
                    #expect(refreshed.status == 200)
                    #expect(refreshed.json["access_token"] is String && refreshed.json["id_token"] is String)
                    #expect((refreshed.json["refresh_token"] != nil) == rotates)
                    let reused = try await web.post(
                        "/oauth2/token", form: ["grant_type": "refresh_token", "client_id": client.id, "refresh_token": refresh])
                    #expect((reused.status == 200) == !rotates)
                }
                let garbage = try await web.post(
                    "/oauth2/token", form: ["grant_type": "refresh_token", "client_id": plain.id, "refresh_token": "nope"])
                #expect(garbage.status == 400 && garbage.json["error"] as? String == "invalid_grant")
            }
        }
    }

    @Test func revocationEndsARefreshToken() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let app = try await webApp(cognate, pool)
            try await cognate.http { web in
                let issued = try await code(web, app, scope: "openid")
                let tokens = try await web.post(
                    "/oauth2/token", form: ["grant_type": "authorization_code", "client_id": app.id, "code": issued, "redirect_uri": Self.callback])
                let refresh = try #require(tokens.json["refresh_token"] as? String)
                let revoked = try await web.post("/oauth2/revoke", form: ["client_id": app.id, "token": refresh])
                #expect(revoked.status == 200)
                let after = try await web.post("/oauth2/token", form: ["grant_type": "refresh_token", "client_id": app.id, "refresh_token": refresh])
                #expect(after.status == 400 && after.json["error"] as? String == "invalid_grant")
                // An unknown token is no error (RFC 7009 §2.2).
                #expect(try await web.post("/oauth2/revoke", form: ["client_id": app.id, "token": "unknown"]).status == 200)
            }
        }
    }

    @Test func tokenExchangeImpersonatesWithNarrowerScopes() async throws {
        try await TestCognate.with { cognate in
            let pool = try await ordersPool(cognate)
            let app = try await webApp(cognate, pool)
            let service = try await cognate.client(pool, flows: [.allowTokenExchangeImpersonation, .allowTokenExchangeDelegation], secret: true) {
                $0.allowedOAuthFlows = [.code]
                $0.allowedOAuthFlowsUserPoolClient = true
                $0.allowedOAuthScopes = [Self.orders + "/read", "openid"]
                $0.callbackURLs = ["https://service.example.com/cb"]
            }
            try await cognate.http { web in
                let issued = try await code(web, app, scope: "openid email \(Self.orders)/read \(Self.orders)/write")
                let tokens = try await web.post(
                    "/oauth2/token", form: ["grant_type": "authorization_code", "client_id": app.id, "code": issued, "redirect_uri": Self.callback])
                let subject = try #require(tokens.json["access_token"] as? String)
                let answer = try await web.post(
                    "/oauth2/token",
                    form: [
                        "grant_type": Self.exchange, "subject_token": subject, "subject_token_type": Self.accessType, "scope": Self.orders + "/read",
                        "resource": Self.orders,
                    ],
                    headers: Self.basic(service.id, service.secret))
                #expect(answer.status == 200)
                #expect(answer.json["issued_token_type"] as? String == Self.accessType)
                #expect(answer.json["refresh_token"] == nil)
                let claims = JWTClaims.of(answer.json["access_token"] as? String)
                #expect(claims[member: "client_id"]?.text == service.id)
                #expect(claims[member: "username"]?.text == "carol")
                #expect(claims[member: "scope"]?.text == Self.orders + "/read")
                #expect(claims[member: "sub"] == JWTClaims.of(subject)[member: "sub"])

                let garbage = try await web.post(
                    "/oauth2/token", form: ["grant_type": Self.exchange, "subject_token": "garbage", "subject_token_type": Self.accessType],
                    headers: Self.basic(service.id, service.secret))
                #expect(garbage.status == 400 && garbage.json["error"] as? String == "invalid_grant")
                // The web app has no exchange flow: it is not authorized for the grant.
                let unauthorized = try await web.post(
                    "/oauth2/token",
                    form: ["grant_type": Self.exchange, "client_id": app.id, "subject_token": subject, "subject_token_type": Self.accessType])
                #expect(unauthorized.status >= 400 && unauthorized.json["access_token"] == nil)
            }
        }
    }
}
