import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation
import Logging

/// What the managed login pages do, apart from rendering: check an authorize request, sign a user in
/// with the same rules as the API (lockout, state, existence errors), keep the browser's one-hour session,
/// and send the browser back to the client with a code or tokens.
public struct ManagedLogin: Sendable {
    let deps: ServiceDependencies

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
    }

    /// A client's logo (SetUICustomization), with its content type.
    public func logo(poolID: String, clientID: String, version: String) async throws -> (Data, String)? {
        try await UICustomizationService(deps).image(poolID: poolID, clientID: clientID, version: version)
    }

    /// An image of a managed login branding style, with its content type.
    public func brandingAsset(poolID: String, brandingID: String, category: String, colorMode: String) async throws -> (Data, String)? {
        guard poolID.utf8.count <= 55, brandingID.utf8.count <= 64,
            let style = try await StorageError.ifPresent({ try await deps.storage.brandingStyle(poolID: poolID, brandingID: brandingID) })
        else { return nil }
        return ManagedLoginTheme.asset(style, category: category, colorMode: colorMode)
    }

    /// The services' clock (the test clock when it is moved).
    public func now() -> Date { deps.clock.now() }

    /// Sign-in through the pool's identity providers.
    public var federation: FederatedSignIn { FederatedSignIn(deps: deps) }
    public var saml: SAMLSignIn { SAMLSignIn(deps: deps) }
    public var samlLogout: SAMLLogout { SAMLLogout(deps: deps) }

    /// Throws only when the answer cannot be known (the database does not answer).
    public func check(_ query: [String: String], host: String? = nil) async throws -> Result<AuthorizeRequest, AuthorizeFailure> {
        try await AuthorizeRequest.check(query, host: host, deps: deps)
    }

    public enum SignInOutcome: Sendable {
        case signedIn(User)
        /// The message to show on the form.
        case failed(String)
        /// The next step of the sign-in: a new password or a second factor.
        case challenge(PageChallenge)
        /// A step after the password that the pages do not offer yet.
        case needsAnotherStep(String)
    }

    /// Checks a username and password as `InitiateAuth` would for this client, then goes through the same
    /// steps as the API (new password, MFA, remembered devices) without handing out tokens.
    public func signIn(_ request: AuthorizeRequest, username: String, password: String) async throws -> SignInOutcome {
        let policy = SignInPolicy(deps: deps)
        return try await attempt(request) {
            let user = try await policy.find(username, pool: request.pool, client: request.client)
            try await AuthTriggers(deps: deps).preAuthentication(pool: request.pool, user: user, client: request.client, validationData: nil)
            let outcome = try await AuthService(deps, issuesTokens: false).passwordSignIn(
                password, user: user, pool: request.pool, client: request.client, deviceKey: nil)
            return try await map(outcome, username: user.username, request: request)
        }
    }

    /// Answers a step shown by the pages: `value` is what the user typed (a new password or a code) or
    /// chose (an MFA factor); `attributes` the values of the step's required attributes.
    public func answer(
        _ request: AuthorizeRequest, step: PageChallenge, value: String, attributes: [String: String] = [:]
    ) async throws -> SignInOutcome {
        guard let challenge = step.challengeName else { return .failed("This step cannot be answered here.") }
        if step.kind == .selectChallenge && value == ChallengeNameType.password.rawValue {
            // The password is asked for on a page of its own and answers the same SELECT_CHALLENGE session.
            return .challenge(PageChallenge(.password, session: step.session, username: step.username))
        }
        var responses = ["USERNAME": step.username]
        if let field = step.responseName { responses[field] = value }
        if step.kind == .password { responses["ANSWER"] = ChallengeNameType.password.rawValue }
        for name in step.requiredAttributes {
            if let given = attributes[name], !given.isEmpty { responses["userAttributes." + name] = given }
        }
        if let secret = request.client.secrets.first {
            responses["SECRET_HASH"] = Self.secretHash(username: step.username, clientID: request.client.clientID, secret: secret.value)
        }
        return try await attempt(request) {
            var session = step.session
            if step.kind == .mfaSetup {
                // As an app would through the API: VerifySoftwareToken with the code, then the MFA_SETUP answer.
                guard !value.isEmpty else { return .failed("Enter the code from your authenticator app.") }
                session = try await SoftwareTokenService(deps).verify(session: session, code: value, name: nil)
            }
            let outcome = try await AuthService(deps, issuesTokens: false).respond(
                challenge, responses, session: session, clientID: request.client.clientID, poolID: nil)
            return try await map(outcome, username: step.username, request: request)
        }
    }

    /// Choice-based sign-in (USER_AUTH) from the username alone, as `InitiateAuth` starts it without a
    /// preferred challenge: the pages then offer the user's first factors.
    public func startChoice(_ request: AuthorizeRequest, username: String) async throws -> SignInOutcome {
        try await attempt(request) {
            let auth = AuthService(deps, issuesTokens: false)
            let user = try await SignInPolicy(deps: deps).find(username, pool: request.pool, client: request.client)
            try await AuthTriggers(deps: deps).preAuthentication(pool: request.pool, user: user, client: request.client, validationData: nil)
            let outcome = try await ChoiceBasedSignIn(deps: deps, auth: auth).initiate([:], user: user, pool: request.pool, client: request.client)
            return try await map(outcome, username: user.username, request: request)
        }
    }

    /// A sign-in step whose refusals become the form's message, in the API's own words. Any other failure
    /// (a database that does not answer) is thrown on, to be answered as a server error, never as a refusal.
    /// In a secondary Region, it runs with that Region's settings (its triggers, its lockout counters).
    private func attempt(_ request: AuthorizeRequest, _ body: () async throws -> SignInOutcome) async throws -> SignInOutcome {
        do {
            return try await ReplicaGate.$serving.withValue(request.replica) { try await body() }
        } catch let error as CognitoError where error.code != .internalErrorException {
            return .failed(error.message)
        }
    }

    private func map(_ outcome: AuthOutcome, username: String, request: AuthorizeRequest) async throws -> SignInOutcome {
        if outcome.challengeName == .selectChallenge, let session = outcome.session {
            // The page signs in with a password, never with SRP.
            let choices = (outcome.availableChallenges ?? []).map(\.rawValue).filter { $0 != ChallengeNameType.passwordSrp.rawValue }
            switch choices.count {
            case 0:
                return .failed("This account has no way to sign in here.")
            case 1 where choices[0] == ChallengeNameType.password.rawValue:
                return .challenge(PageChallenge(.password, session: session, username: username))
            case 1:
                // One factor: no choice to show.
                return try await answer(request, step: PageChallenge(.selectChallenge, session: session, username: username), value: choices[0])
            default:
                return .challenge(PageChallenge(.selectChallenge, session: session, username: username, choices: choices))
            }
        }
        if outcome.result != nil {
            let user = try await SignInPolicy(deps: deps).find(username, pool: request.pool, client: request.client)
            return .signedIn(user)
        }
        if outcome.challengeName == .mfaSetup, let session = outcome.session,
            (outcome.parameters?["MFAS_CAN_SETUP"] ?? "").contains(ChallengeNameType.softwareTokenMfa.rawValue)
        {
            // The pages set up an authenticator app, as AssociateSoftwareToken does for an app.
            let (secret, next) = try await SoftwareTokenService(deps).associate(session: session)
            return .challenge(PageChallenge(setup: next, username: username, secret: secret, issuer: request.pool.name))
        }
        guard let name = outcome.challengeName, let session = outcome.session,
            let step = PageChallenge(name, session: session, username: username, parameters: outcome.parameters ?? [:])
        else {
            return .needsAnotherStep(
                "This account needs a sign-in step that these pages do not offer yet: \(outcome.challengeName?.rawValue ?? "unknown").")
        }
        return .challenge(step)
    }

    // MARK: Passkeys (/passkeys/add), as StartWebAuthnRegistration and CompleteWebAuthnRegistration do them

    /// The PublicKeyCredentialCreationOptions for the signed-in user, as JSON for the page.
    public func passkeyOptions(_ request: AuthorizeRequest, user: User) async throws -> Result<String, PageError> {
        try await run(request, .startWebAuthnRegistration) {
            let options = try await PasskeyService(deps).start(pool: request.pool, user: user, clientID: request.client.clientID)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(options), as: UTF8.self)
        }
    }

    /// Stores the passkey the browser made from those options.
    public func addPasskey(_ request: AuthorizeRequest, user: User, credential: String) async throws -> Result<Void, PageError> {
        guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(credential.utf8)) else {
            return .failure(PageError(message: "The browser sent no passkey. Please try again."))
        }
        return try await run(request, .completeWebAuthnRegistration) {
            // The user as stored now: the options' challenge was kept on the record.
            let current = try await deps.storage.user(poolID: request.pool.id, usernameKey: user.usernameKey)
            try await PasskeyService(deps).complete(parsed, pool: request.pool, user: current, clientID: request.client.clientID)
        }
    }

    // MARK: Sign-up and password reset, as the API does them for this client

    /// The SECRET_HASH the API would need from this client, which the pages compute for the user.
    func secretHash(_ request: AuthorizeRequest, username: String) -> String? {
        request.client.secrets.first.map { Self.secretHash(username: username, clientID: request.client.clientID, secret: $0.value) }
    }

    /// The client's terms of use and privacy policy links for the sign-up page, once it has both.
    public func termsLinks(_ request: AuthorizeRequest) async throws -> (termsOfUse: String, privacy: String)? {
        try await TermsService.signUpLinks(deps, client: request.client)
    }

    /// Whether the pool lets users sign themselves up.
    public func allowsSignUp(_ request: AuthorizeRequest) -> Bool {
        request.replica == nil && request.pool.settings.adminCreateUserConfig?.allowAdminCreateUserOnly != true
    }

    /// SignUp; answers where the confirmation code went (nil when none was sent), or the error's message.
    public func signUp(_ request: AuthorizeRequest, username: String, password: String, email: String?) async throws -> Result<String?, PageError> {
        let attributes = email.flatMap { $0.isEmpty ? nil : [AttributeType(name: "email", value: $0)] }
        return try await run(request, .signUp) {
            let answer = try await SignUpService(deps).signUp(
                SignUpRequest(
                    clientId: request.client.clientID, secretHash: secretHash(request, username: username), username: username,
                    password: password, userAttributes: attributes))
            return answer.codeDeliveryDetails?.destination
        }
    }

    public func confirmSignUp(_ request: AuthorizeRequest, username: String, code: String) async throws -> Result<Void, PageError> {
        try await run(request, .confirmSignUp) {
            _ = try await SignUpService(deps).confirm(
                ConfirmSignUpRequest(
                    clientId: request.client.clientID, secretHash: secretHash(request, username: username), username: username,
                    confirmationCode: code))
        }
    }

    public func resendCode(_ request: AuthorizeRequest, username: String) async throws -> Result<String?, PageError> {
        try await run(request, .resendConfirmationCode) {
            try await SignUpService(deps).resend(
                ResendConfirmationCodeRequest(
                    clientId: request.client.clientID, secretHash: secretHash(request, username: username), username: username)
            )
            .codeDeliveryDetails?.destination
        }
    }

    public func forgotPassword(_ request: AuthorizeRequest, username: String) async throws -> Result<String?, PageError> {
        try await run(request, .forgotPassword) {
            try await PasswordRecoveryService(deps).forgot(
                ForgotPasswordRequest(
                    clientId: request.client.clientID, secretHash: secretHash(request, username: username), username: username)
            )
            .codeDeliveryDetails?.destination
        }
    }

    public func confirmForgotPassword(_ request: AuthorizeRequest, username: String, code: String, password: String) async throws -> Result<
        Void, PageError
    > {
        try await run(request, .confirmForgotPassword) {
            _ = try await PasswordRecoveryService(deps).confirmForgot(
                ConfirmForgotPasswordRequest(
                    clientId: request.client.clientID, secretHash: secretHash(request, username: username), username: username,
                    confirmationCode: code, password: password))
        }
    }

    /// A message for the page, from the API's error (its own words) or a generic one for faults.
    /// The feedback a threat-protection notice's one-click link gives, once the user confirms it on the page.
    public func eventFeedback(poolID: String, username: String, eventID: String, token: String, value: String) async throws -> Result<
        Void, PageError
    > {
        try await run {
            guard FeedbackValueType.allRawValues.contains(value) else {
                throw Errors.invalidParameter("The link's feedback is not Valid or Invalid.")
            }
            _ = try await AuthEventService(deps).updateFeedback(
                UpdateAuthEventFeedbackRequest(
                    userPoolId: poolID, username: username, eventId: eventID, feedbackToken: token, feedbackValue: FeedbackValueType(rawValue: value))
            )
        }
    }

    public struct PageError: Error, Sendable {
        public let message: String
    }

    /// The API's refusals as the page's message; any other failure is thrown on (a server error).
    private func run<T: Sendable>(_ body: () async throws -> T) async throws -> Result<T, PageError> {
        do {
            return .success(try await body())
        } catch let error as CognitoError where error.code != .internalErrorException {
            return .failure(PageError(message: error.message))
        }
    }

    /// `run`, for a page of an authorize request. In a
    /// secondary Region the operation is held to what AWS's secondary does, and runs with its own settings.
    private func run<T: Sendable>(_ request: AuthorizeRequest, _ operation: CognitoOperation, _ body: () async throws -> T) async throws -> Result<
        T, PageError
    > {
        try await run {
            if let replica = request.replica { try ReplicaGate.check(operation, replica) }
            return try await ReplicaGate.$serving.withValue(request.replica) { try await body() }
        }
    }

    static func secretHash(username: String, clientID: String, secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data((username + clientID).utf8), using: SymmetricKey(data: Data(secret.utf8))))
            .base64EncodedString()
    }

    /// Starts the browser's session (and, where the pool tracks sessions, its SSO session, signed in through
    /// `request`'s client); answers the cookie's value.
    public func startSession(user: User, authTime: Date, saml: SAMLSession? = nil, for request: AuthorizeRequest) async throws -> String {
        let token = OpaqueToken.make(deps.random)
        let session = LoginSession(
            sessionHash: OpaqueToken.hash(token), poolID: user.poolID, usernameKey: user.usernameKey, authTime: authTime,
            expiresAt: authTime.addingTimeInterval(LoginSession.lifetime), saml: saml)
        try await deps.storage.createLoginSession(session)
        _ = try await UserSessions(deps: deps).startSSOSession(
            pool: request.pool, client: request.client, user: user, loginSessionHash: session.sessionHash, expiresAt: session.expiresAt)
        return token
    }

    /// The signed-in user behind a live session cookie of this pool, and when they signed in.
    public func sessionUser(cookie: String?, pool: UserPool) async throws -> (user: User, authTime: Date)? {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 256,
            let session = try await StorageError.ifPresent({ try await deps.storage.loginSession(hash: OpaqueToken.hash(cookie)) }),
            session.poolID == pool.id, session.expiresAt > deps.clock.now(),
            let user = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: session.usernameKey) }),
            user.enabled
        else { return nil }
        return (user, session.authTime)
    }

    /// The live session `request`'s client may reuse without asking again. With the pool's session tracking on,
    /// only within the client's SSO validity (SetUserPoolClientSessionConfiguration), counted from the last fresh
    /// authentication; 0 minutes: never.
    public func reusableSession(cookie: String?, for request: AuthorizeRequest) async throws -> (user: User, authTime: Date)? {
        guard let found = try await sessionUser(cookie: cookie, pool: request.pool) else { return nil }
        if request.pool.sessionConfiguration?.tracking == true {
            let minutes = request.client.ssoSessionMaxValidityMinutes ?? PoolSessionConfiguration.defaultSSOValidityMinutes
            guard deps.clock.now().timeIntervalSince(found.authTime) < Double(minutes) * 60 else { return nil }
        }
        return found
    }

    public func endSession(cookie: String?) async throws {
        guard let cookie, !cookie.isEmpty, cookie.utf8.count <= 256 else { return }
        let hash = OpaqueToken.hash(cookie)
        _ = try await StorageError.ifPresent({ try await deps.storage.deleteLoginSession(hash: hash) })
        if let sso = try await UserSessions(deps: deps).ssoSession(loginSessionHash: hash) {
            try await deps.storage.deleteUserSession(id: sso.id)
        }
    }

    /// Where the browser goes once the user is signed in: the redirect URI with a code (a UUID, as
    /// Cognito's are), or with the tokens in the fragment for the implicit grant. `cookie`: the browser's
    /// session, whose tracked SSO session the code's token session will name as its origin.
    public func complete(_ request: AuthorizeRequest, user: User, authTime: Date, cookie: String?) async throws -> String {
        var sso: UserSession?
        if UserSessions.tracks(request.pool), let cookie, !cookie.isEmpty, cookie.utf8.count <= 256 {
            sso = try await UserSessions(deps: deps).ssoSession(loginSessionHash: OpaqueToken.hash(cookie))
            if let sso { try await UserSessions(deps: deps).touch(sso.id) }
        }
        switch request.responseType {
        case .code:
            let code = deps.random.uuid()
            var stored = AuthorizationCode(
                codeHash: OpaqueToken.hash(code), poolID: request.pool.id, clientID: request.client.clientID,
                usernameKey: user.usernameKey, redirectURI: request.redirectURI, scopes: request.scopes,
                codeChallenge: request.codeChallenge, nonce: request.nonce, authTime: authTime,
                expiresAt: deps.clock.now().addingTimeInterval(AuthorizationCode.lifetime))
            stored.ssoSessionID = sso?.id
            stored.metadataURL = request.client.metadataURL
            try await deps.storage.createAuthorizationCode(stored)
            return OAuthRedirect.query(request.redirectURI, ["code": code, "state": request.state])
        case .token:
            // The implicit grant never hands out a refresh token.
            let result = try await TokenIssuer(deps: deps).signIn(
                TokenGeneration(.hostedAuth), pool: request.pool, client: request.client, user: user, authTime: authTime, scopes: request.scopes,
                nonce: request.nonce, session: .none)
            return OAuthRedirect.fragment(
                request.redirectURI,
                [
                    "access_token": result.accessToken, "id_token": result.idToken, "token_type": "Bearer",
                    "expires_in": result.expiresIn.map(String.init), "state": request.state,
                ])
        }
    }

    /// `/logout`: where the browser goes after its session ends, or nil when the request is not valid.
    public func logoutTarget(_ query: [String: String]) async throws -> String? {
        guard let clientID = query["client_id"],
            let client = try await StorageError.ifPresent({ try await deps.storage.appClient(clientID: clientID) })
        else { return nil }
        if let logout = query["logout_uri"] {
            return (client.settings.logoutURLs ?? []).contains(logout) ? logout : nil
        }
        // Signed out and shown the sign-in form again, for the given redirect URI.
        guard let redirect = query["redirect_uri"], (client.settings.callbackURLs ?? []).contains(redirect),
            query["response_type"] != nil
        else { return nil }
        var parameters: [String: String?] = ["client_id": clientID, "redirect_uri": redirect, "response_type": query["response_type"]]
        parameters["state"] = query["state"]
        parameters["scope"] = query["scope"]
        return "/login?" + OAuthRedirect.encode(parameters)
    }
}
