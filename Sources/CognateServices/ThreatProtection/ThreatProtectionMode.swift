import CognateStorage
import CognitoModel

/// How a pool's threat protection runs for a kind of sign-in: not at all, watching (AUDIT: risks evaluated
/// and recorded, nothing done about them), or enforcing (ENFORCED: the configured responses applied).
/// `UserPoolAddOns.AdvancedSecurityMode` governs the standard flows (password, SRP, managed login, sign-up,
/// password changes), `AdvancedSecurityAdditionalFlows.CustomAuthMode` custom authentication.
enum ThreatProtectionMode: Equatable, Sendable {
    case off
    case audit
    case enforced

    /// The mode of the pool's standard authentication.
    static func standard(_ pool: UserPool) -> ThreatProtectionMode {
        switch pool.settings.userPoolAddOns?.advancedSecurityMode {
        case .audit?: .audit
        case .enforced?: .enforced
        default: .off
        }
    }

    /// The mode of CUSTOM_AUTH sign-ins: off unless the standard mode is on and custom authentication is named.
    static func custom(_ pool: UserPool) -> ThreatProtectionMode {
        guard standard(pool) != .off else { return .off }
        switch pool.settings.userPoolAddOns?.advancedSecurityAdditionalFlows?.customAuthMode {
        case .audit?: return .audit
        case .enforced?: return .enforced
        default: return .off
        }
    }

    /// Threat protection is part of the Plus plan: turning it on in a pool on another plan is refused, with
    /// AWS's text.
    static func checkTier(_ addOns: UserPoolAddOnsType?, tier: UserPoolTierType) throws(CognitoError) {
        let on = (addOns?.advancedSecurityMode ?? .off) != .off || addOns?.advancedSecurityAdditionalFlows?.customAuthMode != nil
        guard on, tier != .plus else { return }
        throw CognitoError(
            .featureUnavailableInTierException,
            "The following features need to be disabled for the \(tier.rawValue) pricing tier configured: Threat Protection")
    }

    /// The operations of threat protection answer only in a pool where it is on.
    static func requireOn(_ pool: UserPool) throws(CognitoError) {
        guard standard(pool) != .off else {
            throw CognitoError(
                .userPoolAddOnNotEnabledException,
                "This is an add on feature. Please update AdvancedSecurityMode for your user pool to access this API.")
        }
    }
}
