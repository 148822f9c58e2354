import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// ForgotPassword, ConfirmForgotPassword and AdminResetUserPassword.
struct PasswordRecoveryService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    var gate: ClientGate { ClientGate(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.ForgotPassword.self) { input, _ in try await ClaimedContext.with(input.userContextData) { try await forgot(input) }
        }
        table.register(Operations.ConfirmForgotPassword.self) { input, _ in
            try await ClaimedContext.with(input.userContextData) { try await confirmForgot(input) }
        }
        registerAdminReset(in: &table)
    }

    func forgot(_ input: ForgotPasswordRequest) async throws -> ForgotPasswordResponse {
        let (pool, client) = try await gate.resolve(clientID: input.clientId)
        try gate.requireSecretHash(input.secretHash, usernames: [input.username], client, in: .member)
        try await RecoveryPause.refuse(poolID: pool.id, deps)
        // A pool whose only recovery is by an administrator says so to every caller, before any user is looked up.
        let mechanisms = Self.recoveryMechanisms(pool)
        if !mechanisms.isEmpty && mechanisms.allSatisfy({ $0 == .adminOnly }) {
            throw CognitoError(.notAuthorizedException, "Contact administrator to reset password.")
        }
        let user: User
        do {
            user = try await UserMigration(deps: deps).find(
                input.username, password: nil, source: .forgotPassword, pool: pool, client: client, validationData: nil,
                clientMetadata: input.clientMetadata)
        } catch let error as CognitoError where error.code == .userNotFoundException {
            throw CognitoError(.userNotFoundException, "Username/client id combination not found.")
        }
        // A client that hides which users exist tells a missing or disabled user's caller that a code
        // went to a simulated address.
        if SimulatedUser.isSimulated(user) || (!user.enabled && SignInPolicy.hidesExistence(client)) {
            try await SimulatedUser.matchWrite(deps, pool: pool)
            return ForgotPasswordResponse(
                codeDeliveryDetails: SimulatedUser.delivery(
                    name: input.username, pool: pool, key: deps.configuration.simulationKey, preferPhone: Self.simulatedRecoveryByPhone(pool)))
        }
        return try await ThreatProtection(deps: deps).recording(.forgotPassword, user: user, pool: pool, client: client) {
            guard user.enabled else { throw SignInPolicy.disabled }
            try Self.requireResettable(user)
            return ForgotPasswordResponse(
                codeDeliveryDetails: try await sendResetCode(
                    pool: pool, user: user,
                    trigger: MessageTrigger(source: "ForgotPassword", clientID: client.clientID, clientMetadata: input.clientMetadata)))
        }
    }

    func confirmForgot(_ input: ConfirmForgotPasswordRequest) async throws -> ConfirmForgotPasswordResponse {
        let (pool, client) = try await gate.resolve(clientID: input.clientId)
        try gate.requireSecretHash(input.secretHash, usernames: [input.username], client, in: .member)
        let user = try await SignInPolicy(deps: deps).find(input.username, pool: pool, client: client)
        if SimulatedUser.isSimulated(user) || (!user.enabled && SignInPolicy.hidesExistence(client)) {
            try await SimulatedUser.matchWrite(deps, pool: pool)
            throw Codes.mismatch
        }
        let guarding = ThreatProtection(deps: deps)
        return try await guarding.recording(.forgotPassword, user: user, pool: pool, client: client) {
            // No reset code outstanding (never sent, or used already): AWS asks for a new one.
            guard user.codes?[Codes.forgotPassword] != nil else { throw Codes.expired }
            try await CodeRedemption(deps: deps).check(input.confirmationCode, purpose: Codes.forgotPassword, pool: pool, user: user)
            try await guarding.screen(input.password, for: .passwordChange, pool: pool, clientID: client.clientID)
            return try await resetPassword(input, user: user, pool: pool, client: client)
        }
    }

    /// ConfirmForgotPassword once its code holds: the new password set, the user confirmed, PostConfirmation.
    private func resetPassword(
        _ input: ConfirmForgotPasswordRequest, user: User, pool: UserPool, client: AppClient
    ) async throws -> ConfirmForgotPasswordResponse {
        let credential = try PasswordChange(deps: deps).credential(for: input.password, pool: pool, user: user)
        let now = deps.clock.now()
        let changed = try await UserAdminService(deps).update(pool, user) { user in
            _ = try Codes.consume(input.confirmationCode, purpose: Codes.forgotPassword, from: &user, now: now)
            PasswordChange.apply(credential, to: &user, pool: pool)
            user.temporaryPasswordExpiry = nil
            if user.status == .resetRequired || user.status == .forceChangePassword { user.status = .confirmed }
            user.failedSignIns = nil
            user.lastFailedSignIn = nil
            user.regionalSignInFailures = nil
        }
        // The new password stands whatever PostConfirmation answers; its failure is the caller's error.
        try await SignUpTriggers(deps: deps).postConfirmation(
            source: "PostConfirmation_ConfirmForgotPassword", pool: pool, user: changed, clientID: client.clientID,
            clientMetadata: input.clientMetadata)
        return ConfirmForgotPasswordResponse()
    }

    private func registerAdminReset(in table: inout OperationTable) {
        table.register(Operations.AdminResetUserPassword.self) { input, _ in
            let (pool, user) = try await UserAdminService(deps).find(input.userPoolId, input.username)
            guard user.enabled else { throw SignInPolicy.disabled }
            try Self.requireResettable(user)
            // The code goes out first: a user with nowhere to send it to keeps their password.
            _ = try await sendResetCode(
                pool: pool, user: user, trigger: MessageTrigger(source: "ForgotPassword", clientMetadata: input.clientMetadata))
            try await UserAdminService(deps).update(pool, user) { $0.status = .resetRequired }
            return AdminResetUserPasswordResponse()
        }
    }

    static let notResettable = CognitoError(.notAuthorizedException, "User password cannot be reset in the current state.")

    /// AWS resets no password of a user who has a temporary one still to change (FORCE_CHANGE_PASSWORD),
    /// has not confirmed their account without a verified address, or signs in through a provider.
    static func requireResettable(_ user: User) throws(CognitoError) {
        switch user.status {
        case .forceChangePassword, .externalProvider: throw notResettable
        case .unconfirmed where user.attribute("email_verified") != "true" && user.attribute("phone_number_verified") != "true":
            throw notResettable
        default: break
        }
    }

    /// The verified address a reset code goes to, by the pool's recovery setting (default: phone, then email).
    static func recoveryMechanisms(_ pool: UserPool) -> [RecoveryOptionNameType] {
        pool.settings.accountRecoverySetting?.recoveryMechanisms?.sorted { $0.priority < $1.priority }.map(\.name)
            ?? [.verifiedPhoneNumber, .verifiedEmail]
    }

    /// Whether a stand-in's reset code is reported as sent by SMS. A real user's code goes to the first
    /// recovery mechanism whose address they have verified; the addresses a pool's users have verified are
    /// the ones it verifies for them (AutoVerifiedAttributes) or signs them in with (UsernameAttributes). So
    /// the stand-in takes the first mechanism the pool verifies, and email when it verifies none, and
    /// answers as a typical user of the pool would be answered (AWS leaves the choice undocumented).
    static func simulatedRecoveryByPhone(_ pool: UserPool) -> Bool {
        let verified = Set((pool.settings.autoVerifiedAttributes ?? []).map(\.rawValue) + (pool.settings.usernameAttributes ?? []).map(\.rawValue))
        for mechanism in recoveryMechanisms(pool) {
            switch mechanism {
            case .verifiedEmail where verified.contains("email"): return false
            case .verifiedPhoneNumber where verified.contains("phone_number"): return true
            default: continue
            }
        }
        return false
    }

    static func recoveryAttribute(_ pool: UserPool, _ user: User) -> String? {
        for mechanism in recoveryMechanisms(pool) {
            let attribute = mechanism == .verifiedEmail ? "email" : mechanism == .verifiedPhoneNumber ? "phone_number" : nil
            if let attribute, user.attribute(attribute) != nil, user.attribute(attribute + "_verified") == "true" {
                return attribute
            }
        }
        return nil
    }

    private func sendResetCode(pool: UserPool, user: User, trigger: MessageTrigger) async throws -> CodeDeliveryDetailsType {
        guard let attribute = Self.recoveryAttribute(pool, user) else {
            throw Errors.invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
        }
        return try await SignUpService(deps).sendCode(Codes.forgotPassword, attribute: attribute, pool: pool, user: user, trigger: trigger)
    }
}
