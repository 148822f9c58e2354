import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// A user's second factors: SetUserMFAPreference and AdminSetUserMFAPreference, the legacy SetUserSettings
/// and AdminSetUserSettings, GetUserAuthFactors and AdminGetUserAuthFactors, and AdminDeleteSoftwareToken.
struct UserMfaService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    var admin: UserAdminService { UserAdminService(deps) }
    var verifier: AccessTokenVerifier { AccessTokenVerifier(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.SetUserMFAPreference.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            try await setPreference(
                pool: pool, user: user, sms: input.smsMfaSettings, totp: input.softwareTokenMfaSettings,
                email: input.emailMfaSettings, webAuthn: input.webAuthnMfaSettings)
            return .init()
        }
        table.register(Operations.AdminSetUserMFAPreference.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            try await setPreference(
                pool: pool, user: user, sms: input.smsMfaSettings, totp: input.softwareTokenMfaSettings,
                email: input.emailMfaSettings, webAuthn: input.webAuthnMfaSettings)
            return .init()
        }
        table.register(Operations.SetUserSettings.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            try await setOptions(input.mfaOptions, pool: pool, user: user)
            return .init()
        }
        table.register(Operations.AdminSetUserSettings.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            try await setOptions(input.mfaOptions, pool: pool, user: user)
            return .init()
        }
        table.register(Operations.AdminDeleteSoftwareToken.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            try await admin.update(pool, user) { user in
                guard user.mfa?.softwareToken != nil || user.mfa?.pendingSecret != nil else {
                    throw CognitoError(.resourceNotFoundException, "The user has no software token.")
                }
                user.mfa?.softwareToken = nil
                user.mfa?.pendingSecret = nil
                user.mfa?.set(.softwareToken, enabled: false)
            }
            return .init()
        }
        table.register(Operations.GetUserAuthFactors.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            let view = Self.view(user)
            return GetUserAuthFactorsResponse(
                username: user.username, preferredMfaSetting: view.preferred, userMFASettingList: view.list,
                configuredUserAuthFactors: Self.authFactors(user, pool))
        }
        table.register(Operations.AdminGetUserAuthFactors.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            let view = Self.view(user)
            return AdminGetUserAuthFactorsResponse(
                username: user.username, preferredMfaSetting: view.preferred, userMFASettingList: view.list,
                configuredUserAuthFactors: Self.authFactors(user, pool))
        }
    }

    /// The MFA part of GetUser and AdminGetUser: legacy MFAOptions, the preferred factor and the enabled ones.
    static func view(_ user: User) -> (options: [MFAOptionType]?, preferred: String?, list: [String]?) {
        guard let mfa = user.mfa else { return (nil, nil, nil) }
        let options = mfa.smsEnabled ? [MFAOptionType(deliveryMedium: .sms, attributeName: "phone_number")] : nil
        let list = mfa.enabledFactors.map(\.rawValue)
        return (options, mfa.preferred?.rawValue, list.isEmpty ? nil : list)
    }

    /// The ways the user can sign in first: a password, and the one-time codes and passkeys the pool allows.
    static func authFactors(_ user: User, _ pool: UserPool) -> [AuthFactorType] {
        let allowed = pool.settings.policies?.signInPolicy?.allowedFirstAuthFactors ?? [.password]
        var factors: [AuthFactorType] = []
        if user.password != nil { factors.append(.password) }
        if allowed.contains(.emailOtp), user.attribute("email_verified") == "true" { factors.append(.emailOtp) }
        if allowed.contains(.smsOtp), user.attribute("phone_number_verified") == "true" { factors.append(.smsOtp) }
        return factors
    }

    private func setPreference(
        pool: UserPool, user: User, sms: SMSMfaSettingsType?, totp: SoftwareTokenMfaSettingsType?, email: EmailMfaSettingsType?,
        webAuthn: WebAuthnMfaSettingsType?
    ) async throws {
        if user.status == .unconfirmed { throw SignInPolicy.notConfirmed }
        if user.status == .resetRequired { throw CognitoError(.passwordResetRequiredException, "Password reset required for the user") }
        let requests: [(MfaFactor, Bool?, Bool?)] = [
            (.sms, sms?.enabled, sms?.preferredMfa), (.softwareToken, totp?.enabled, totp?.preferredMfa),
            (.email, email?.enabled, email?.preferredMfa),
        ]
        if requests.filter({ $0.2 == true }).count > 1 {
            throw Errors.invalidParameter("Only one MFA type can be set as preferred.")
        }
        if webAuthn?.enabled == true, pool.settings.webAuthnConfiguration?.factorConfiguration != .multiFactorWithUserVerification {
            throw Errors.invalidParameter(
                "Passkey MFA needs the user pool's WebAuthnConfiguration FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION.")
        }
        let required = pool.settings.mfaConfiguration == .on
        try await admin.update(pool, user) { user in
            var mfa = user.mfa ?? UserMFA()
            for (factor, enabled, preferred) in requests {
                let turnOn = enabled == true || (enabled == nil && preferred == true)
                if preferred == true && enabled == false {
                    throw Errors.invalidParameter("\(factor.rawValue) cannot be preferred while it is disabled.")
                }
                if turnOn {
                    try Self.checkCanEnable(factor, user: user, mfa: mfa, pool: pool)
                    mfa.set(factor, enabled: true)
                } else if enabled == false {
                    if factor == .softwareToken && required && mfa.softwareTokenEnabled {
                        throw Errors.invalidParameter("MFA is required in this user pool: TOTP MFA cannot be turned off.")
                    }
                    mfa.set(factor, enabled: false)
                }
                if preferred == true {
                    mfa.preferred = factor
                } else if preferred == false && mfa.preferred == factor {
                    mfa.preferred = nil
                }
            }
            user.mfa = mfa
        }
    }

    static func checkCanEnable(_ factor: MfaFactor, user: User, mfa: UserMFA, pool: UserPool) throws {
        // AWS's words for a factor the user has nothing to receive codes on (no verified software token, no
        // phone number, no email address).
        let missing = Errors.invalidParameter("User does not have delivery config set to turn on \(factor.rawValue)")
        switch factor {
        case .softwareToken:
            guard mfa.softwareToken != nil else { throw missing }
        case .sms:
            guard user.attribute("phone_number") != nil else { throw missing }
        case .email:
            guard pool.settings.mfaFactors.contains(.email) else {
                throw Errors.invalidParameter("Email MFA is not enabled for this user pool.")
            }
            guard user.attribute("email") != nil else { throw missing }
        }
    }

    /// The legacy MFAOptions: an SMS entry for phone_number turns SMS MFA on; an empty list turns it off.
    private func setOptions(_ options: [MFAOptionType], pool: UserPool, user: User) async throws {
        for option in options where option.deliveryMedium != .sms || (option.attributeName ?? "phone_number") != "phone_number" {
            throw Errors.invalidParameter("MFAOptions can only set SMS delivery to phone_number.")
        }
        let enable = !options.isEmpty
        try await admin.update(pool, user) { user in
            var mfa = user.mfa ?? UserMFA()
            if enable { try Self.checkCanEnable(.sms, user: user, mfa: mfa, pool: pool) }
            mfa.set(.sms, enabled: enable)
            user.mfa = mfa
        }
    }
}
