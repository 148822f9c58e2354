import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools, AddCustomAttributes.
struct UserPoolService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// The tag whose value becomes the ID of a new pool, so test configurations can pin IDs. App clients
    /// have no tags: a pool tag `_custom_id_:<ClientName>` pins the ID of the pool's client of that name.
    static let customIDTag = "_custom_id_"
    static let maxCustomAttributes = 50

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateUserPool.self) { try await create($0, $1) }
        table.register(Operations.DescribeUserPool.self) { input, _ in
            let pool = try await load(input.userPoolId)
            return DescribeUserPoolResponse(userPool: try await describe(pool))
        }
        table.register(Operations.UpdateUserPool.self) { try await update($0, $1) }
        table.register(Operations.DeleteUserPool.self) { input, _ in
            let pool = try await load(input.userPoolId)
            try await UserImportService.refuseWhileImporting(pool.id, deps)
            if pool.settings.deletionProtection == .active {
                throw Errors.invalidParameter("The user pool \(pool.id) cannot be deleted because deletion protection is activated.")
            }
            if try await !deps.storage.domains(poolID: pool.id).isEmpty {
                throw Errors.invalidParameter("User pool cannot be deleted. It has a domain configured that should be deleted first.")
            }
            try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
                try await deps.storage.deleteUserPool(id: input.userPoolId)
            }
            deps.keyRing.forget(poolID: input.userPoolId)
            return .init()
        }
        table.register(Operations.ListUserPools.self) { input, _ in
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listUserPools(PageRequest(token: input.nextToken, limit: input.maxResults))
            }
            var summaries: [UserPoolDescriptionType] = []
            for pool in page.items {
                var summary = pool.summary
                // The Regions of its secondary replicas, where it has any.
                let regions = try await deps.storage.replicas(poolID: pool.id).map(\.region)
                if !regions.isEmpty { summary.replicaRegions = regions }
                summaries.append(summary)
            }
            return ListUserPoolsResponse(userPools: summaries, nextToken: page.nextToken)
        }
        table.register(Operations.AddCustomAttributes.self) { input, _ in
            try await UserImportService.refuseWhileImporting(input.userPoolId, deps)
            try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
                try await deps.storage.updateUserPool(id: input.userPoolId) { pool in
                    for attribute in input.customAttributes {
                        pool.schema.append(try StandardSchema.customAttribute(attribute, existing: pool.schema))
                    }
                    if pool.schema.filter({ StandardSchema.isCustom($0.name) }).count > Self.maxCustomAttributes {
                        throw Errors.invalidParameter("A user pool can have at most \(Self.maxCustomAttributes) custom attributes.")
                    }
                    pool.lastModifiedDate = deps.clock.now()
                }
            }
            return .init()
        }
    }

    func load(_ id: String) async throws -> UserPool {
        try await StorageError.map(notFound: Errors.poolNotFound(id)) { try await deps.storage.userPool(id: id) }
    }

    func describe(_ pool: UserPool) async throws -> UserPoolType {
        var description = pool.description(estimatedNumberOfUsers: try await deps.storage.countUsers(poolID: pool.id))
        RegionalSettings.apply(to: &description, pool: pool)
        for domain in try await deps.storage.domains(poolID: pool.id) {
            switch domain.kind {
            case .prefix: description.domain = domain.domain
            case .custom: description.customDomain = domain.domain
            }
        }
        return description
    }

    private func create(_ input: CreateUserPoolRequest, _ context: OperationContext) async throws -> CreateUserPoolResponse {
        if input.aliasAttributes?.isEmpty == false && input.usernameAttributes?.isEmpty == false {
            throw Errors.invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
        }
        // MFA turned on at creation is SMS MFA (the other factors come with SetUserPoolMfaConfig), which
        // needs a way to send texts and verified phone numbers.
        if let mfa = input.mfaConfiguration, mfa != .off,
            input.smsConfiguration == nil || !(input.autoVerifiedAttributes ?? []).contains(.phoneNumber)
        {
            throw Errors.invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
        }
        let schema = try StandardSchema.build(from: input.schema ?? [])
        if schema.filter({ StandardSchema.isCustom($0.name) }).count > Self.maxCustomAttributes {
            throw Errors.invalidParameter("A user pool can have at most \(Self.maxCustomAttributes) custom attributes.")
        }
        if let config = input.lambdaConfig { try AWSARN.check(config) }
        try ThreatProtectionMode.checkTier(input.userPoolAddOns, tier: input.userPoolTier ?? .essentials)
        var settings = UserPoolSettings()
        settings.usernameAttributes = input.usernameAttributes
        settings.aliasAttributes = input.aliasAttributes
        settings.usernameConfiguration = input.usernameConfiguration
        Self.apply(input, to: &settings, previousTier: nil)
        let tags = input.userPoolTags ?? [:]
        let id =
            try tags[Self.customIDTag].map { try Self.checkCustomID($0, region: context.region) }
            ?? Identifiers(random: deps.random).userPoolID(region: context.region)
        let now = deps.clock.now()
        let pool = UserPool(
            id: id, name: input.poolName,
            arn: ARN.userPool(region: context.region, account: deps.configuration.accountID, poolID: id),
            creationDate: now, lastModifiedDate: now, settings: settings, schema: schema, tags: tags
        )
        do {
            try await deps.storage.createUserPool(pool)
        } catch StorageError.alreadyExists {
            throw Errors.invalidParameter("A user pool with the ID \(id) already exists.")
        }
        return CreateUserPoolResponse(userPool: pool.description(estimatedNumberOfUsers: 0))
    }

    private func update(_ input: UpdateUserPoolRequest, _ context: OperationContext) async throws -> UpdateUserPoolResponse {
        if let replica = ReplicaGate.serving, replica.poolID == input.userPoolId {
            return try await UserPoolReplicas(deps).updateRegionalSettings(input, replica: replica)
        }
        // As AWS documents: settings the request leaves out return to their defaults.
        if let config = input.lambdaConfig { try AWSARN.check(config) }
        try await UserImportService.refuseWhileImporting(input.userPoolId, deps)
        try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
            try await deps.storage.updateUserPool(id: input.userPoolId) { pool in
                if let name = input.poolName { pool.name = name }
                try ThreatProtectionMode.checkTier(input.userPoolAddOns, tier: input.userPoolTier ?? pool.settings.userPoolTier ?? .essentials)
                Self.apply(input, to: &pool.settings, previousTier: pool.settings.userPoolTier)
                if let tags = input.userPoolTags { pool.tags = tags }
                pool.lastModifiedDate = deps.clock.now()
            }
        }
        return .init()
    }

    /// A pinned pool ID must be one AWS could have made: `<region>_<letters and digits>` (the model's
    /// UserPoolIdType pattern, at most 55 characters), in the request's region so that the ARN agrees.
    static func checkCustomID(_ id: String, region: String) throws(CognitoError) -> String {
        let parts = id.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        let regionOK = parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        let suffixOK = parts.count == 2 && !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard id.count <= 55, regionOK, suffixOK else {
            throw Errors.invalidParameter("The \(customIDTag) tag \(id.prefix(64)) is not a user pool ID: it must look like \(region)_Abc123.")
        }
        guard parts[0] == Substring(region) else {
            throw Errors.invalidParameter("The \(customIDTag) tag \(id) names region \(parts[0]), but the request is for \(region).")
        }
        return id
    }

    /// The pre token generation trigger is one setting given two ways: Cognito reports both, filling the one
    /// left out (a bare ARN is version 1).
    static func normalizedTriggers(_ config: LambdaConfigType) -> LambdaConfigType {
        var out = config
        if let v = config.preTokenGenerationConfig, config.preTokenGeneration == nil { out.preTokenGeneration = v.lambdaArn }
        if let arn = config.preTokenGeneration, config.preTokenGenerationConfig == nil {
            out.preTokenGenerationConfig = PreTokenGenerationVersionConfigType(lambdaVersion: .v10, lambdaArn: arn)
        }
        return out
    }

    /// Sets the settings Create and Update share, filling in Cognito's defaults for the ones left out
    /// (the tier keeps its previous value when an update leaves it out).
    static func apply(_ input: some PoolSettingsInput, to s: inout UserPoolSettings, previousTier: UserPoolTierType?) {
        var policies = input.policies ?? UserPoolPolicyType()
        if policies.passwordPolicy == nil { policies.passwordPolicy = PasswordRules.defaultPolicy }
        // A policy given without it keeps AWS's seven days, and reports them.
        if policies.passwordPolicy?.temporaryPasswordValidityDays == nil { policies.passwordPolicy?.temporaryPasswordValidityDays = 7 }
        if policies.signInPolicy == nil { policies.signInPolicy = SignInPolicyType(allowedFirstAuthFactors: [.password]) }
        s.policies = policies
        s.deletionProtection = input.deletionProtection ?? .inactive
        s.lambdaConfig = input.lambdaConfig.map(Self.normalizedTriggers)
        s.autoVerifiedAttributes = input.autoVerifiedAttributes
        // The template and the legacy fields are one setting reported twice: the legacy fields fill what the
        // template leaves out, and then report the template's values.
        var template = input.verificationMessageTemplate ?? VerificationMessageTemplateType()
        if template.defaultEmailOption == nil { template.defaultEmailOption = .confirmWithCode }
        if template.smsMessage == nil { template.smsMessage = input.smsVerificationMessage }
        if template.emailMessage == nil { template.emailMessage = input.emailVerificationMessage }
        if template.emailSubject == nil { template.emailSubject = input.emailVerificationSubject }
        s.verificationMessageTemplate = template
        s.smsVerificationMessage = template.smsMessage
        s.emailVerificationMessage = template.emailMessage
        s.emailVerificationSubject = template.emailSubject
        s.smsAuthenticationMessage = input.smsAuthenticationMessage
        s.mfaConfiguration = input.mfaConfiguration ?? .off
        s.userAttributeUpdateSettings = input.userAttributeUpdateSettings
        s.deviceConfiguration = input.deviceConfiguration
        s.emailConfiguration = input.emailConfiguration ?? EmailConfigurationType(emailSendingAccount: .cognitoDefault)
        s.smsConfiguration = input.smsConfiguration
        var adminConfig = input.adminCreateUserConfig ?? AdminCreateUserConfigType()
        if adminConfig.allowAdminCreateUserOnly == nil { adminConfig.allowAdminCreateUserOnly = false }
        if adminConfig.unusedAccountValidityDays == nil {
            adminConfig.unusedAccountValidityDays = policies.passwordPolicy?.temporaryPasswordValidityDays ?? 7
        }
        s.adminCreateUserConfig = adminConfig
        s.userPoolAddOns = input.userPoolAddOns
        s.dcrConfiguration = input.dcrConfiguration
        s.accountRecoverySetting = input.accountRecoverySetting
        s.userPoolTier = input.userPoolTier ?? previousTier ?? .essentials
        s.keyConfiguration = input.keyConfiguration
        s.issuerConfiguration = input.issuerConfiguration
        s.acrConfiguration = input.acrConfiguration
    }
}

/// The pool settings Create and UpdateUserPool share; both requests provide them.
protocol PoolSettingsInput {
    var policies: UserPoolPolicyType? { get }
    var deletionProtection: DeletionProtectionType? { get }
    var lambdaConfig: LambdaConfigType? { get }
    var autoVerifiedAttributes: [VerifiedAttributeType]? { get }
    var smsVerificationMessage: String? { get }
    var emailVerificationMessage: String? { get }
    var emailVerificationSubject: String? { get }
    var verificationMessageTemplate: VerificationMessageTemplateType? { get }
    var smsAuthenticationMessage: String? { get }
    var mfaConfiguration: UserPoolMfaType? { get }
    var userAttributeUpdateSettings: UserAttributeUpdateSettingsType? { get }
    var deviceConfiguration: DeviceConfigurationType? { get }
    var emailConfiguration: EmailConfigurationType? { get }
    var smsConfiguration: SmsConfigurationType? { get }
    var adminCreateUserConfig: AdminCreateUserConfigType? { get }
    var userPoolAddOns: UserPoolAddOnsType? { get }
    var dcrConfiguration: DcrConfigurationType? { get }
    var accountRecoverySetting: AccountRecoverySettingType? { get }
    var userPoolTier: UserPoolTierType? { get }
    var keyConfiguration: KeyConfigurationType? { get }
    var issuerConfiguration: IssuerConfigurationType? { get }
    var acrConfiguration: [String: AcrLevelConfigType]? { get }
}

extension CreateUserPoolRequest: PoolSettingsInput {}
extension UpdateUserPoolRequest: PoolSettingsInput {}
