/// A second factor, named as Cognito names it in challenges and in a user's MFA settings.
public enum MfaFactor: String, Codable, Sendable, CaseIterable {
    case sms = "SMS_MFA"
    case softwareToken = "SOFTWARE_TOKEN_MFA"
    case email = "EMAIL_OTP"
}
