import CognitoModel
import Foundation

/// A user pool as Cognate keeps it. Nested settings reuse the model's value types (policies, templates,
/// configurations): they are plain data, and keeping them whole is what lets DescribeUserPool return
/// exactly what was set.
public struct UserPool: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var arn: String
    public var creationDate: Date
    public var lastModifiedDate: Date
    public var settings: UserPoolSettings
    public var schema: [SchemaAttributeType]
    public var tags: [String: String]
    public var domain: String?
    public var customDomain: String?
    /// SetUserPoolSessionConfiguration's settings; nil until it is called (AWS's defaults apply).
    public var sessionConfiguration: PoolSessionConfiguration?
    /// SetLogDeliveryConfiguration's destinations; nil until it is called (nothing is exported).
    public var logDelivery: [LogConfigurationType]?

    public init(
        id: String, name: String, arn: String, creationDate: Date, lastModifiedDate: Date,
        settings: UserPoolSettings, schema: [SchemaAttributeType], tags: [String: String]
    ) {
        self.id = id
        self.name = name
        self.arn = arn
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
        self.settings = settings
        self.schema = schema
        self.tags = tags
    }

    /// Whether usernames (and email and preferred_username aliases) match regardless of case.
    public var isCaseSensitive: Bool { settings.usernameConfiguration?.caseSensitive ?? true }
}

/// The settings of a pool that CreateUserPool sets and UpdateUserPool replaces.
public struct UserPoolSettings: Codable, Sendable, Equatable {
    public var policies: UserPoolPolicyType?
    public var deletionProtection: DeletionProtectionType?
    public var lambdaConfig: LambdaConfigType?
    public var autoVerifiedAttributes: [VerifiedAttributeType]?
    public var aliasAttributes: [AliasAttributeType]?
    public var usernameAttributes: [UsernameAttributeType]?
    public var smsVerificationMessage: String?
    public var emailVerificationMessage: String?
    public var emailVerificationSubject: String?
    public var verificationMessageTemplate: VerificationMessageTemplateType?
    public var smsAuthenticationMessage: String?
    public var mfaConfiguration: UserPoolMfaType?
    public var userAttributeUpdateSettings: UserAttributeUpdateSettingsType?
    public var deviceConfiguration: DeviceConfigurationType?
    public var emailConfiguration: EmailConfigurationType?
    public var smsConfiguration: SmsConfigurationType?
    public var adminCreateUserConfig: AdminCreateUserConfigType?
    public var userPoolAddOns: UserPoolAddOnsType?
    public var dcrConfiguration: DcrConfigurationType?
    public var usernameConfiguration: UsernameConfigurationType?
    public var accountRecoverySetting: AccountRecoverySettingType?
    public var userPoolTier: UserPoolTierType?
    public var keyConfiguration: KeyConfigurationType?
    public var issuerConfiguration: IssuerConfigurationType?
    public var acrConfiguration: [String: AcrLevelConfigType]?
    /// SMS MFA as SetUserPoolMfaConfig set it; absent: on when the pool has an SMS configuration.
    public var smsMfaEnabled: Bool?
    public var softwareTokenMfaEnabled: Bool?
    /// Email MFA is on when this is set.
    public var emailMfaConfiguration: EmailMfaConfigType?
    public var webAuthnConfiguration: WebAuthnConfigurationType?

    public init() {}

    /// The MFA factors the pool offers, in Cognito's order.
    public var mfaFactors: [MfaFactor] {
        var factors: [MfaFactor] = []
        if smsMfaEnabled ?? (smsConfiguration != nil) { factors.append(.sms) }
        if softwareTokenMfaEnabled == true { factors.append(.softwareToken) }
        if emailMfaConfiguration != nil { factors.append(.email) }
        return factors
    }
}
