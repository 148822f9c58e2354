import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// SetUserPoolMfaConfig and GetUserPoolMfaConfig: whether MFA is off, optional or required, and which
/// factors (SMS, TOTP, email) and passkey settings the pool offers.
struct PoolMfaService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetUserPoolMfaConfig.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let c = Self.configuration(pool.settings)
            return GetUserPoolMfaConfigResponse(
                smsMfaConfiguration: c.sms, softwareTokenMfaConfiguration: c.softwareToken, emailMfaConfiguration: c.email,
                mfaConfiguration: c.mfa, webAuthnConfiguration: c.webAuthn)
        }
        table.register(Operations.SetUserPoolMfaConfig.self) { input, _ in
            let pool = try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
                try await deps.storage.updateUserPool(id: input.userPoolId) { pool in
                    try Self.apply(input, to: &pool.settings)
                    pool.lastModifiedDate = deps.clock.now()
                }
            }
            let c = Self.configuration(pool.settings)
            return SetUserPoolMfaConfigResponse(
                smsMfaConfiguration: c.sms, softwareTokenMfaConfiguration: c.softwareToken, emailMfaConfiguration: c.email,
                mfaConfiguration: c.mfa, webAuthnConfiguration: c.webAuthn)
        }
    }

    /// The request replaces the factor settings: a factor it leaves out is turned off. MfaConfiguration and
    /// WebAuthnConfiguration keep their values when left out.
    static func apply(_ input: SetUserPoolMfaConfigRequest, to s: inout UserPoolSettings) throws {
        let mfa = input.mfaConfiguration ?? s.mfaConfiguration ?? .off
        if input.emailMfaConfiguration != nil {
            if s.userPoolTier == .lite {
                throw CognitoError(.featureUnavailableInTierException, "Email MFA is not available in the LITE tier.")
            }
            if s.emailConfiguration?.emailSendingAccount != .developer {
                throw Errors.invalidParameter(
                    "Email MFA requires the user pool to send email through Amazon SES (EmailSendingAccount DEVELOPER).")
            }
        }
        let smsOn = input.smsMfaConfiguration != nil
        let totpOn = input.softwareTokenMfaConfiguration?.enabled == true
        let emailOn = input.emailMfaConfiguration != nil
        if mfa != .off && !smsOn && !totpOn && !emailOn {
            throw Errors.invalidParameter("MFA can be ON or OPTIONAL only with at least one of SMS, TOTP or email MFA enabled.")
        }
        if let webAuthn = input.webAuthnConfiguration {
            if webAuthn.factorConfiguration == .multiFactorWithUserVerification && s.userPoolTier == .lite {
                throw CognitoError(.featureUnavailableInTierException, "Passkey MFA is not available in the LITE tier.")
            }
            s.webAuthnConfiguration = webAuthn
        }
        if let sms = input.smsMfaConfiguration {
            if let message = sms.smsAuthenticationMessage { s.smsAuthenticationMessage = message }
            if let configuration = sms.smsConfiguration { s.smsConfiguration = configuration }
        }
        s.smsMfaEnabled = smsOn
        s.softwareTokenMfaEnabled = totpOn
        s.emailMfaConfiguration = input.emailMfaConfiguration
        s.mfaConfiguration = mfa
    }

    static func configuration(_ s: UserPoolSettings) -> (
        sms: SmsMfaConfigType?, softwareToken: SoftwareTokenMfaConfigType, email: EmailMfaConfigType?, mfa: UserPoolMfaType,
        webAuthn: WebAuthnConfigurationType
    ) {
        let factors = s.mfaFactors
        let sms =
            factors.contains(.sms)
            ? SmsMfaConfigType(smsAuthenticationMessage: s.smsAuthenticationMessage, smsConfiguration: s.smsConfiguration) : nil
        var webAuthn = s.webAuthnConfiguration ?? WebAuthnConfigurationType()
        if webAuthn.userVerification == nil { webAuthn.userVerification = .preferred }
        if webAuthn.factorConfiguration == nil { webAuthn.factorConfiguration = .singleFactor }
        return (
            sms, SoftwareTokenMfaConfigType(enabled: factors.contains(.softwareToken)), s.emailMfaConfiguration,
            s.mfaConfiguration ?? .off, webAuthn
        )
    }
}
