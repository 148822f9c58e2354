import CognateStorage
import CognitoModel
import Foundation

/// Threat protection around a sign-in with a password (the API's password flows, SRP, the managed login):
/// the attempt is recorded as an auth event, an address on the always-block list is refused, the password is
/// checked against compromised ones (not for SRP, which never sees it), the risk is judged (`RiskModel`), and
/// in ENFORCED mode the configured response applied — block, an MFA challenge, or nothing. In AUDIT mode the
/// event records what was found and nothing is done about it.
struct ThreatProtection {
    let deps: ServiceDependencies

    /// Runs a sign-in's proof (`check`) and the steps after it (`then`) under the pool's threat protection.
    /// `password`: the password given, for the compromised-credentials check; nil for SRP and custom
    /// authentication. `custom`: a CUSTOM_AUTH sign-in (its mode is CustomAuthMode; it has no password step to
    /// record, and its challenges, the pool's functions', stand in for MFA).
    func signIn(
        user: User, pool: UserPool, client: AppClient, password: String?, custom: Bool = false, check: () async throws -> Void = {},
        then: () async throws -> AuthOutcome
    ) async throws -> AuthOutcome {
        let mode = custom ? ThreatProtectionMode.custom(pool) : ThreatProtectionMode.standard(pool)
        guard mode != .off else {
            try await check()
            return try await then()
        }
        if SimulatedUser.isSimulated(user) {
            // A name nobody has (a client that hides which users exist) is refused from an always-blocked address
            // as a user's would be, so that the answer there tells nothing of who exists. It has no events.
            if mode == .enforced, try await addressBlocked(pool: pool, client: client) { throw AuthEventTrail.blockedAddress }
            try await check()
            return try await then()
        }
        let context = try context(client: client)
        var event = AuthEvent(
            id: deps.random.uuid(), poolID: pool.id, usernameKey: user.usernameKey, clientID: client.clientID, type: .signIn,
            createdAt: deps.clock.now(), response: .inProgress, risk: EventRiskType(riskDecision: .noRisk, compromisedCredentialsDetected: false),
            context: context)
        let configuration = try await RiskConfigurations(storage: deps.storage).effective(poolID: pool.id, clientID: client.clientID)
        let address = context.ipAddress.flatMap(IPAddress.init)
        let exceptions = configuration?.exceptions
        if mode == .enforced, let address, Self.matches(address, exceptions?.blockedIPRangeList) {
            event.response = .fail
            event.risk.riskDecision = .block
            try await store(event, user: user, pool: pool)
            throw AuthEventTrail.blockedAddress
        }
        do {
            try await check()
        } catch let error as CognitoError where error.code != .internalErrorException {
            event.response = .fail
            if !custom { event.challenges = [ChallengeResponseType(challengeName: .password, challengeResponse: .failure)] }
            try await store(event, user: user, pool: pool)
            throw error
        }
        if !custom { event.challenges = [ChallengeResponseType(challengeName: .password, challengeResponse: .success)] }
        // Compromised credentials: checked on every evaluated sign-in with a password; blocked where configured.
        if let password, deps.configuration.compromisedPasswords.contains(password) {
            event.risk.compromisedCredentialsDetected = true
            let rule = configuration?.compromisedCredentials
            if mode == .enforced, let rule, rule.actions.eventAction == .block, rule.eventFilter?.contains(.signIn) ?? true {
                event.response = .fail
                event.risk.riskDecision = .block
                try await UserAdminService(deps).update(pool, user) { $0.status = .resetRequired }
                try await store(event, user: user, pool: pool)
                throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
            }
        }
        // Adaptive authentication, unless the address is on the always-allow list.
        var stepUp: AuthEventTrail.StepUp?
        if address == nil || !Self.matches(address!, exceptions?.skippedIPRangeList) {
            let level = try await judge(user: user, pool: pool, context: context)
            event.risk.riskLevel = level
            if let level, mode == .enforced, let action = Self.action(for: level, configuration) {
                if action.notify {
                    event.feedbackTokenHash = try await RiskNotification(deps: deps).send(
                        RiskNotification.Kind(action.eventAction), event: event, user: user, pool: pool, configuration: configuration)
                }
                switch action.eventAction {
                case .block:
                    event.response = .fail
                    event.risk.riskDecision = .block
                    try await store(event, user: user, pool: pool)
                    throw AuthEventTrail.blockedSignIn
                case .mfaIfConfigured:
                    if !custom { stepUp = .ifPossible }
                    event.risk.riskDecision = .accountTakeover
                case .mfaRequired:
                    if !custom { stepUp = .required }
                    event.risk.riskDecision = .accountTakeover
                default:
                    break
                }
            }
        }
        let trail = AuthEventTrail(eventID: event.id, stepUp: stepUp)
        do {
            let outcome = try await AuthEventTrail.$current.withValue(trail) { try await then() }
            event.response = outcome.challengeName == nil ? .pass : .inProgress
            try await store(event, user: user, pool: pool)
            return outcome
        } catch let error as CognitoError where error.code != .internalErrorException {
            event.response = .fail
            if trail.blocked { event.risk.riskDecision = .block }
            try await store(event, user: user, pool: pool)
            throw error
        }
    }

    // MARK: Sign-up, password changes and resets, resent codes

    /// AWS leaves the answer to a blocked compromised password outside sign-in undocumented; this is Cognate's.
    static let compromisedPassword = CognitoError(
        .invalidPasswordException, "The password is in a list of compromised passwords. Choose another password.")

    /// A password about to be accepted (at sign-up, in a change or reset, as a new password at sign-in) checked
    /// against compromised ones; refused where, in ENFORCED mode, the configuration blocks `filter`. Answers
    /// whether it was found, and marks the event being recorded.
    @discardableResult
    func screen(_ password: String, for filter: EventFilterType, pool: UserPool, clientID: String?) async throws -> Bool {
        let mode = ThreatProtectionMode.standard(pool)
        guard mode != .off, deps.configuration.compromisedPasswords.contains(password) else { return false }
        AuthEventTrail.current?.compromisedFound = true
        let configuration = try await RiskConfigurations(storage: deps.storage).effective(poolID: pool.id, clientID: clientID)
        if mode == .enforced, let rule = configuration?.compromisedCredentials, rule.actions.eventAction == .block,
            rule.eventFilter?.contains(filter) ?? true
        {
            AuthEventTrail.current?.blocked = true
            throw Self.compromisedPassword
        }
        return true
    }

    /// In ENFORCED mode, a request from an address on the always-block list may not sign up.
    func admitAddress(pool: UserPool, client: AppClient) async throws {
        guard ThreatProtectionMode.standard(pool) == .enforced else { return }
        if try await addressBlocked(pool: pool, client: client) { throw AuthEventTrail.blockedAddress }
    }

    /// Whether the request's evaluated address is on the always-block list that applies to `client`.
    private func addressBlocked(pool: UserPool, client: AppClient) async throws -> Bool {
        guard let address = (try ClaimedContext.address(for: client) ?? RequestOrigin.current?.ipAddress).flatMap(IPAddress.init) else {
            return false
        }
        let configuration = try await RiskConfigurations(storage: deps.storage).effective(poolID: pool.id, clientID: client.clientID)
        return Self.matches(address, configuration?.exceptions?.blockedIPRangeList)
    }

    /// Records an event of `user` other than a sign-in.
    func record(
        _ type: EventType, user: User, pool: UserPool, client: AppClient?, response: EventResponseType, compromised: Bool = false,
        blocked: Bool = false
    ) async throws {
        guard ThreatProtectionMode.standard(pool) != .off, !SimulatedUser.isSimulated(user) else { return }
        let event = AuthEvent(
            id: deps.random.uuid(), poolID: pool.id, usernameKey: user.usernameKey, clientID: client?.clientID, type: type,
            createdAt: deps.clock.now(), response: response,
            risk: EventRiskType(riskDecision: blocked ? .block : .noRisk, compromisedCredentialsDetected: compromised),
            context: try context(client: client))
        try await store(event, user: user, pool: pool)
    }

    /// Runs an operation that is one event of `user` (a resent code, a password reset or change) and records
    /// it: Pass when it succeeds, Fail when it is refused (a server error records nothing).
    func recording<T>(
        _ type: EventType, user: User, pool: UserPool, client: AppClient?, _ body: () async throws -> T
    ) async throws -> T {
        guard ThreatProtectionMode.standard(pool) != .off, !SimulatedUser.isSimulated(user) else { return try await body() }
        let trail = AuthEventTrail(eventID: deps.random.uuid(), stepUp: nil)
        do {
            let result = try await AuthEventTrail.$current.withValue(trail) { try await body() }
            try await record(type, user: user, pool: pool, client: client, response: .pass, compromised: trail.compromisedFound)
            return result
        } catch let error as CognitoError where error.code != .internalErrorException {
            try await record(
                type, user: user, pool: pool, client: client, response: .fail, compromised: trail.compromisedFound, blocked: trail.blocked)
            throw error
        }
    }

    /// A later step of a sign-in whose event was recorded (an MFA code, a new password): the event completed
    /// with the step's outcome.
    func continueSignIn(
        _ state: SignInState, challenge: ChallengeNameType, user: User, pool: UserPool, then: () async throws -> AuthOutcome
    ) async throws -> AuthOutcome {
        guard let eventID = state.authEventID else { return try await then() }
        let isMfa: Set<ChallengeNameType> = [.smsMfa, .softwareTokenMfa, .emailOtp, .selectMfaType, .mfaSetup]
        // A step-up asked for at the password still applies after a step in between (a new password).
        let trail = AuthEventTrail(eventID: eventID, stepUp: state.riskStepUp)
        let outcome: AuthOutcome
        do {
            outcome = try await AuthEventTrail.$current.withValue(trail) { try await then() }
        } catch let error as CognitoError where error.code != .internalErrorException {
            try await complete(eventID, user: user, pool: pool) { event in
                event.response = .fail
                if isMfa.contains(challenge) { event.challenges.append(ChallengeResponseType(challengeName: .mfa, challengeResponse: .failure)) }
            }
            throw error
        }
        if outcome.challengeName == nil {
            try await complete(eventID, user: user, pool: pool) { event in
                event.response = .pass
                if isMfa.contains(challenge) { event.challenges.append(ChallengeResponseType(challengeName: .mfa, challengeResponse: .success)) }
            }
        }
        return outcome
    }

    private func complete(_ eventID: String, user: User, pool: UserPool, _ change: @escaping @Sendable (inout AuthEvent) -> Void) async throws {
        // An event that is gone (the history's bound, the user deleted) is not brought back.
        let completed = try await StorageError.ifPresent {
            try await deps.storage.updateAuthEvent(poolID: pool.id, usernameKey: user.usernameKey, id: eventID, change)
        }
        if let completed { deps.logExport?.submit(LogRecords.activity(completed, user: user, pool: pool), source: .userAuthEvents, pool: pool) }
    }

    /// Stores an event and exports it where the pool sends user activity.
    private func store(_ event: AuthEvent, user: User, pool: UserPool) async throws {
        try await deps.storage.appendAuthEvent(event)
        deps.logExport?.submit(LogRecords.activity(event, user: user, pool: pool), source: .userAuthEvents, pool: pool)
    }

    /// The risk of this sign-in: the one set for it through the test endpoint (used up), else the model's.
    private func judge(user: User, pool: UserPool, context: EventContextDataType) async throws -> RiskLevelType? {
        if let set = user.nextSignInRisk {
            try await UserAdminService(deps).update(pool, user) { $0.nextSignInRisk = nil }
            return set
        }
        let history = try await deps.storage.authEvents(poolID: pool.id, usernameKey: user.usernameKey, after: nil, limit: RiskModel.history)
        return RiskModel(now: deps.clock.now()).level(user: user, context: context, history: history)
    }

    /// Where the request came from, as the event shows it: the address its body claims where that counts
    /// (`ClaimedContext`), else the peer's.
    func context(client: AppClient?) throws -> EventContextDataType {
        let origin = RequestOrigin.current
        let address = try ClaimedContext.address(for: client) ?? origin?.ipAddress
        let place = try address.flatMap { try deps.geoIP?.locate($0) }
        return EventContextDataType(
            ipAddress: address, deviceName: RequestOrigin.deviceType(origin?.userAgent), city: place?.city, country: place?.country)
    }

    static func action(for level: RiskLevelType, _ configuration: RiskConfiguration?) -> AccountTakeoverActionType? {
        let actions = configuration?.accountTakeover?.actions
        switch level {
        case .low: return actions?.lowAction
        case .medium: return actions?.mediumAction
        default: return actions?.highAction
        }
    }

    static func matches(_ address: IPAddress, _ ranges: [String]?) -> Bool {
        (ranges ?? []).contains { IPRange($0)?.contains(address) ?? false }
    }
}

/// Sets the risk of a user's next evaluated sign-in, for tests of an application's step-up and block handling
/// (`POST /_cognate/risk`).
public struct NextSignInRisk: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    /// `level` nil: the model judges the next sign-in again. Throws CognitoError for an unknown pool or user.
    public func set(poolID: String, username: String, level: String?) async throws {
        let risk = try level.map { name throws(CognitoError) in
            guard RiskLevelType.allRawValues.contains(name) else {
                throw Errors.invalidParameter("riskLevel must be one of Low, Medium, High (or null for the model's judgement).")
            }
            return RiskLevelType(rawValue: name)
        }
        let pool = try await StorageError.map(notFound: Errors.poolNotFound(poolID)) { try await storage.userPool(id: poolID) }
        let user = try await UserDirectory(pool: pool, storage: storage).find(username)
        try await StorageError.map(notFound: Errors.userNotFound) {
            try await storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { $0.nextSignInRisk = risk }
        }
    }
}
