import CognateStorage
import CognitoModel

/// Between the stored user pool and its wire shapes.
extension UserPool {
    func description(estimatedNumberOfUsers: Int) -> UserPoolType {
        UserPoolType(
            id: id, name: name, policies: settings.policies, deletionProtection: settings.deletionProtection,
            lambdaConfig: settings.lambdaConfig ?? LambdaConfigType(), lastModifiedDate: lastModifiedDate, creationDate: creationDate,
            schemaAttributes: schema, autoVerifiedAttributes: settings.autoVerifiedAttributes,
            aliasAttributes: settings.aliasAttributes, usernameAttributes: settings.usernameAttributes,
            smsVerificationMessage: settings.smsVerificationMessage, emailVerificationMessage: settings.emailVerificationMessage,
            emailVerificationSubject: settings.emailVerificationSubject,
            verificationMessageTemplate: settings.verificationMessageTemplate,
            smsAuthenticationMessage: settings.smsAuthenticationMessage,
            userAttributeUpdateSettings: settings.userAttributeUpdateSettings, mfaConfiguration: settings.mfaConfiguration ?? .off,
            deviceConfiguration: settings.deviceConfiguration, estimatedNumberOfUsers: estimatedNumberOfUsers,
            emailConfiguration: settings.emailConfiguration, smsConfiguration: settings.smsConfiguration, userPoolTags: tags,
            domain: domain, customDomain: customDomain, adminCreateUserConfig: settings.adminCreateUserConfig,
            userPoolAddOns: settings.userPoolAddOns, dcrConfiguration: settings.dcrConfiguration,
            usernameConfiguration: settings.usernameConfiguration, arn: arn,
            accountRecoverySetting: settings.accountRecoverySetting, userPoolTier: settings.userPoolTier,
            keyConfiguration: settings.keyConfiguration, issuerConfiguration: settings.issuerConfiguration,
            acrConfiguration: settings.acrConfiguration
        )
    }

    var summary: UserPoolDescriptionType {
        UserPoolDescriptionType(
            id: id, name: name, lambdaConfig: settings.lambdaConfig ?? LambdaConfigType(),
            lastModifiedDate: lastModifiedDate, creationDate: creationDate
        )
    }
}
