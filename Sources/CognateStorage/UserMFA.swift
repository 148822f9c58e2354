import Foundation

/// A user's multi-factor settings: which factors are on, which one is preferred, and their software token.
public struct UserMFA: Codable, Sendable, Equatable {
    public var smsEnabled: Bool
    public var softwareTokenEnabled: Bool
    public var emailEnabled: Bool
    public var preferred: MfaFactor?
    /// The verified authenticator.
    public var softwareToken: SoftwareToken?
    /// A secret handed out by AssociateSoftwareToken and not yet verified.
    public var pendingSecret: String?

    public init() {
        smsEnabled = false
        softwareTokenEnabled = false
        emailEnabled = false
    }

    public func isEnabled(_ factor: MfaFactor) -> Bool {
        switch factor {
        case .sms: smsEnabled
        case .softwareToken: softwareTokenEnabled
        case .email: emailEnabled
        }
    }

    public mutating func set(_ factor: MfaFactor, enabled: Bool) {
        switch factor {
        case .sms: smsEnabled = enabled
        case .softwareToken: softwareTokenEnabled = enabled
        case .email: emailEnabled = enabled
        }
        if !enabled && preferred == factor { preferred = nil }
    }

    /// The enabled factors, in Cognito's order.
    public var enabledFactors: [MfaFactor] { MfaFactor.allCases.filter(isEnabled) }
}

/// A TOTP authenticator registered by VerifySoftwareToken.
public struct SoftwareToken: Codable, Sendable, Equatable {
    /// Base32, as the user's authenticator app holds it.
    public var secret: String
    public var friendlyName: String?
    public var verifiedAt: Date
    /// The last time step whose code was accepted: a code is good once.
    public var lastUsedStep: Int64?

    public init(secret: String, friendlyName: String?, verifiedAt: Date) {
        self.secret = secret
        self.friendlyName = friendlyName
        self.verifiedAt = verifiedAt
    }
}
