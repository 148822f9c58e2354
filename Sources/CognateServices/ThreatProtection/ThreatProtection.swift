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
    /// `password`: the password given, for the compromised-credentials check; nil for SRP.
    func signIn(
        user: User, pool: UserPool, client: AppClient, password: String?, check: () async throws -> Void,
        then: () async throws -> AuthOutcome
    ) async throws -> AuthOutcome {
        let mode = ThreatProtectionMode.standard(pool)
        guard mode != .off, !SimulatedUser.isSimulated(user) else {
            try await check()
            return try await then()
        }
        let context = try context()
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
            try await deps.storage.appendAuthEvent(event)
            throw AuthEventTrail.blockedAddress
        }
        do {
            try await check()
        } catch let error as CognitoError where error.code != .internalErrorException {
            event.response = .fail
            event.challenges = [ChallengeResponseType(challengeName: .password, challengeResponse: .failure)]
            try await deps.storage.appendAuthEvent(event)
            throw error
        }
        event.challenges = [ChallengeResponseType(challengeName: .password, challengeResponse: .success)]
        // Compromised credentials: checked on every evaluated sign-in with a password; blocked where configured.
        if let password, deps.configuration.compromisedPasswords.contains(password) {
            event.risk.compromisedCredentialsDetected = true
            let rule = configuration?.compromisedCredentials
            if mode == .enforced, let rule, rule.actions.eventAction == .block, rule.eventFilter?.contains(.signIn) ?? true {
                event.response = .fail
                event.risk.riskDecision = .block
                try await UserAdminService(deps).update(pool, user) { $0.status = .resetRequired }
                try await deps.storage.appendAuthEvent(event)
                throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
            }
        }
        // Adaptive authentication, unless the address is on the always-allow list.
        var stepUp: AuthEventTrail.StepUp?
        if address == nil || !Self.matches(address!, exceptions?.skippedIPRangeList) {
            let level = try await judge(user: user, pool: pool, context: context)
            event.risk.riskLevel = level
            if let level, mode == .enforced {
                switch Self.action(for: level, configuration)?.eventAction {
                case .block?:
                    event.response = .fail
                    event.risk.riskDecision = .block
                    try await deps.storage.appendAuthEvent(event)
                    throw AuthEventTrail.blockedSignIn
                case .mfaIfConfigured?:
                    stepUp = .ifPossible
                    event.risk.riskDecision = .accountTakeover
                case .mfaRequired?:
                    stepUp = .required
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
            try await deps.storage.appendAuthEvent(event)
            return outcome
        } catch let error as CognitoError where error.code != .internalErrorException {
            event.response = .fail
            if trail.blocked { event.risk.riskDecision = .block }
            try await deps.storage.appendAuthEvent(event)
            throw error
        }
    }

    /// A later step of a sign-in whose event was recorded (an MFA code, a new password): the event completed
    /// with the step's outcome.
    func continueSignIn(
        eventID: String?, challenge: ChallengeNameType, user: User, pool: UserPool, then: () async throws -> AuthOutcome
    ) async throws -> AuthOutcome {
        guard let eventID else { return try await then() }
        let isMfa: Set<ChallengeNameType> = [.smsMfa, .softwareTokenMfa, .emailOtp, .selectMfaType, .mfaSetup]
        let trail = AuthEventTrail(eventID: eventID, stepUp: nil)
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
        _ = try await StorageError.ifPresent {
            try await deps.storage.updateAuthEvent(poolID: pool.id, usernameKey: user.usernameKey, id: eventID, change)
        }
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

    /// Where the request came from, as the event shows it.
    func context() throws -> EventContextDataType {
        let origin = RequestOrigin.current
        let address = origin?.ipAddress
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
