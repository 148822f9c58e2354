import CognateTesting
import CognitoModel
import Foundation
import HTTPTypes
import Testing

/// The managed login's pages in-process, as a browser uses them: sign-up with its code, a forgotten
/// password, a second factor on the page, the session cookie and sign-out, and what the forms refuse.
@Suite struct ManagedLoginPageTests {
    static let callback = "http://localhost/cb"
    static let signedOut = "http://localhost/bye"
    static let password = "Str0ng-Passw0rd!"

    /// A pool whose email addresses are verified by a code, and a web app with the code flow.
    func webApp(_ cognate: TestCognate) async throws -> TestCognate.Client {
        let pool = try await cognate.pool {
            $0.autoVerifiedAttributes = [.email]
            $0.usernameAttributes = nil
        }
        return try await cognate.client(pool, flows: [.allowUserPasswordAuth, .allowRefreshTokenAuth]) {
            $0.allowedOAuthFlows = [.code]
            $0.allowedOAuthFlowsUserPoolClient = true
            $0.allowedOAuthScopes = ["openid", "email"]
            $0.callbackURLs = [Self.callback]
            $0.logoutURLs = [Self.signedOut]
            $0.supportedIdentityProviders = ["COGNITO"]
        }
    }

    func query(_ client: TestCognate.Client) -> String {
        WebSession.encode(["response_type": "code", "client_id": client.id, "redirect_uri": Self.callback, "scope": "openid email", "state": "st"])
    }

    /// Posts the sign-in form of a fresh login page.
    func signIn(_ web: WebSession, _ client: TestCognate.Client, _ username: String, _ password: String) async throws -> WebSession.Page {
        let form = try await web.get("/login?" + query(client))
        let csrf = try #require(form.field("_csrf"))
        return try await web.post("/login?" + query(client), form: ["_csrf": csrf, "username": username, "password": password])
    }

    @Test func signUpConfirmAndSignIn() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            try await cognate.http { web in
                let form = try await web.get("/signup?" + query(client))
                #expect(form.status == 200)
                let signedUp = try await web.post(
                    "/signup?" + query(client),
                    form: ["_csrf": form.field("_csrf") ?? "", "username": "sally", "email": "sally@example.com", "password": Self.password])
                #expect(signedUp.status == 200)
                #expect(signedUp.body.contains("We sent a code to"))
                let code = try await cognate.lastCode(to: "sally@example.com")
                // A wrong code keeps the confirmation form, with AWS's words.
                let wrong = try await web.post(
                    "/confirm?" + query(client),
                    form: ["_csrf": signedUp.field("_csrf") ?? "", "username": "sally", "code": code == "000000" ? "111111" : "000000"])
                #expect(wrong.body.contains("Invalid verification code provided, please try again."))
                let confirmed = try await web.post(
                    "/confirm?" + query(client), form: ["_csrf": wrong.field("_csrf") ?? "", "username": "sally", "code": code])
                #expect(confirmed.body.contains("Your account is confirmed."))
                let answer = try await signIn(web, client, "sally", Self.password)
                #expect(answer.status == 302)
                #expect(answer.location?.hasPrefix(Self.callback) == true && answer.redirectQuery["code"] != nil)
            }
            let user = try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: client.poolID, username: "sally"))
            #expect(user.userStatus == .confirmed)
            #expect(user.userAttributes?.contains(AttributeType(name: "email_verified", value: "true")) == true)
        }
    }

    @Test func signUpRefusesAWeakPasswordWithThePolicysWords() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            try await cognate.http { web in
                let form = try await web.get("/signup?" + query(client))
                let refused = try await web.post(
                    "/signup?" + query(client),
                    form: ["_csrf": form.field("_csrf") ?? "", "username": "sally", "email": "sally@example.com", "password": "short"])
                #expect(refused.status == 200)
                #expect(refused.body.contains("conform") && refused.body.contains("Password not long enough"))
                // What was typed comes back, escaped; the password does not.
                #expect(refused.field("username") == "sally" || refused.body.contains("value=\"sally\""))
                #expect(!refused.body.contains("value=\"short\""))
            }
            await expectError(.userNotFoundException) {
                try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: client.poolID, username: "sally"))
            }
        }
    }

    @Test func aForgottenPasswordIsResetOnThePages() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            try await cognate.confirmedUser(client.poolID, "fred", password: Self.password, email: "fred@example.com")
            try await cognate.http { web in
                let form = try await web.get("/forgotPassword?" + query(client))
                let sent = try await web.post("/forgotPassword?" + query(client), form: ["_csrf": form.field("_csrf") ?? "", "username": "fred"])
                #expect(sent.body.contains("We sent a code to"))
                let code = try await cognate.lastCode(to: "fred@example.com")
                let reset = try await web.post(
                    "/confirmforgotPassword?" + query(client),
                    form: ["_csrf": sent.field("_csrf") ?? "", "username": "fred", "code": code, "password": "Brand-New-Passw0rd"])
                #expect(reset.body.contains("Your password was changed."))
                let old = try await signIn(web, client, "fred", Self.password)
                #expect(old.status == 200 && old.body.contains("Incorrect username or password."))
                #expect(try await signIn(web, client, "fred", "Brand-New-Passw0rd").status == 302)
            }
        }
    }

    @Test func anAuthenticatorCodeOnThePage() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            let pool = client.poolID
            try await cognate.call(
                Operations.SetUserPoolMfaConfig.self,
                SetUserPoolMfaConfigRequest(
                    userPoolId: pool, softwareTokenMfaConfiguration: SoftwareTokenMfaConfigType(enabled: true), mfaConfiguration: .optional))
            try await cognate.confirmedUser(pool, "tara", password: Self.password)
            let access = try await cognate.signIn(client, "tara", Self.password).accessToken ?? ""
            let secret =
                try await cognate.call(
                    Operations.AssociateSoftwareToken.self, AssociateSoftwareTokenRequest(accessToken: access), iamAuthorized: false
                ).secretCode ?? ""
            try await cognate.call(
                Operations.VerifySoftwareToken.self,
                VerifySoftwareTokenRequest(accessToken: access, userCode: Authenticator.code(secret: secret, at: cognate.clock.now())),
                iamAuthorized: false)
            try await cognate.call(
                Operations.SetUserMFAPreference.self,
                SetUserMFAPreferenceRequest(
                    softwareTokenMfaSettings: SoftwareTokenMfaSettingsType(enabled: true, preferredMfa: true), accessToken: access),
                iamAuthorized: false)
            cognate.clock.advance(by: 30)
            try await cognate.http { web in
                let challenge = try await signIn(web, client, "tara", Self.password)
                #expect(challenge.status == 200)
                #expect(challenge.field("challenge") != nil && challenge.field("session") != nil)
                let form: [String: String] = [
                    "_csrf": challenge.field("_csrf") ?? "", "challenge": challenge.field("challenge") ?? "",
                    "session": challenge.field("session") ?? "", "username": challenge.field("username") ?? "",
                ]
                let now = Authenticator.code(secret: secret, at: cognate.clock.now())
                var wrong = form
                wrong["answer"] = now == "000000" ? "111111" : "000000"
                let retry = try await web.post("/login/challenge?" + query(client), form: wrong)
                #expect(retry.status == 200 && retry.body.contains("Invalid code or auth state for the user."))
                var right = form
                right["_csrf"] = retry.field("_csrf") ?? ""
                right["session"] = retry.field("session") ?? form["session"]
                right["answer"] = now
                let done = try await web.post("/login/challenge?" + query(client), form: right)
                #expect(done.status == 302)
                #expect(done.redirectQuery["code"] != nil)
            }
        }
    }

    @Test func theSessionCookieSignsInAgainUntilSignOut() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            try await cognate.confirmedUser(client.poolID, "otto", password: Self.password)
            try await cognate.http { web in
                #expect(try await signIn(web, client, "otto", Self.password).status == 302)
                // The managed login remembers the user: authorize answers with a code at once.
                let again = try await web.get("/oauth2/authorize?" + query(client))
                #expect(again.status == 302 && again.location?.hasPrefix(Self.callback) == true)
                let out = try await web.get("/logout?" + WebSession.encode(["client_id": client.id, "logout_uri": Self.signedOut]))
                #expect(out.status == 302 && out.location == Self.signedOut)
                let after = try await web.get("/oauth2/authorize?" + query(client))
                #expect(after.status == 302 && after.location?.hasPrefix("/login?") == true)
                // A logout_uri the client did not register is refused.
                let elsewhere = try await web.get("/logout?" + WebSession.encode(["client_id": client.id, "logout_uri": "https://evil.example"]))
                #expect(elsewhere.status == 400)
            }
        }
    }

    @Test func formsWithoutTheirTokenAndHostileInputAreRefusedSafely() async throws {
        try await TestCognate.with { cognate in
            let client = try await webApp(cognate)
            try await cognate.confirmedUser(client.poolID, "otto", password: Self.password)
            try await cognate.http { web in
                _ = try await web.get("/login?" + query(client))
                let forged = try await web.post("/login?" + query(client), form: ["_csrf": "forged", "username": "otto", "password": Self.password])
                #expect(forged.status == 403)
                let hostile = try await signIn(web, client, "<script>alert(1)</script>", "wrong")
                #expect(hostile.status == 200)
                #expect(!hostile.body.contains("<script>alert(1)</script>"))
                #expect(hostile.body.contains("&lt;script&gt;"))
                // An unknown client or a redirect it did not register never reaches the form.
                let unknown = try await web.get(
                    "/login?" + WebSession.encode(["response_type": "code", "client_id": "nobody", "redirect_uri": Self.callback]))
                #expect(unknown.status != 200)
                let elsewhere = try await web.get(
                    "/login?" + WebSession.encode(["response_type": "code", "client_id": client.id, "redirect_uri": "https://evil.example/cb"]))
                #expect(elsewhere.status != 200 || !elsewhere.body.contains("name=\"password\""))
                #expect(elsewhere.location?.hasPrefix("https://evil.example") != true)
            }
        }
    }

    @Test func theImplicitGrantPutsTokensInTheFragment() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let spa = try await cognate.client(pool, flows: [.allowRefreshTokenAuth]) {
                $0.allowedOAuthFlows = [.implicit]
                $0.allowedOAuthFlowsUserPoolClient = true
                $0.allowedOAuthScopes = ["openid"]
                $0.callbackURLs = [Self.callback]
                $0.supportedIdentityProviders = ["COGNITO"]
            }
            try await cognate.confirmedUser(pool, "ivy", password: Self.password)
            try await cognate.http { web in
                let query = WebSession.encode([
                    "response_type": "token", "client_id": spa.id, "redirect_uri": Self.callback, "scope": "openid", "state": "st",
                ])
                let form = try await web.get("/login?" + query)
                let answer = try await web.post(
                    "/login?" + query, form: ["_csrf": form.field("_csrf") ?? "", "username": "ivy", "password": Self.password])
                #expect(answer.status == 302)
                let location = try #require(answer.location)
                #expect(location.hasPrefix(Self.callback + "#"))
                let fragment = Dictionary(
                    (URLComponents(string: "x:?" + (location.split(separator: "#", maxSplits: 1).last.map(String.init) ?? ""))?.queryItems ?? []).map
                    {
                        ($0.name, $0.value ?? "")
                    }, uniquingKeysWith: { first, _ in first })
                #expect(fragment["token_type"] == "Bearer" && fragment["state"] == "st")
                #expect(JWTClaims.of(fragment["access_token"])[member: "username"]?.text == "ivy")
                #expect(JWTClaims.of(fragment["id_token"])[member: "aud"]?.text == spa.id)
                // The implicit grant never hands out a refresh token, nor a code.
                #expect(fragment["refresh_token"] == nil && fragment["code"] == nil)
                // A code request by a client allowed only the implicit flow is refused.
                let code = try await web.get(
                    "/login?" + WebSession.encode(["response_type": "code", "client_id": spa.id, "redirect_uri": Self.callback, "scope": "openid"]))
                #expect(code.status != 200 || !code.body.contains("name=\"password\""))
            }
        }
    }
}
