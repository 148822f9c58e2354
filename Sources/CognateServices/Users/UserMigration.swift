import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// UserMigration: a name nobody in the pool has, at a sign-in with a password or at ForgotPassword, is
/// offered to the pool's function, which may bring the user in from an older directory. The user is
/// created with the attributes the function answers; at sign-in, a CONFIRMED user keeps the password they
/// typed (stored, as every password, only as a verifier; the pool's policy is not applied, as in AWS),
/// and any other status asks for a reset. No password reaches the function of an SRP sign-in: AWS
/// migrates only on the plain-password flows.
struct UserMigration {
    let deps: ServiceDependencies

    enum Source: String {
        case authentication = "UserMigration_Authentication"
        case forgotPassword = "UserMigration_ForgotPassword"
    }

    /// The user `name` refers to: the pool's own, else the one the pool's UserMigration brings in, else
    /// what SignInPolicy answers for a name nobody has (a stand-in, or UserNotFoundException).
    /// `validationData` is InitiateAuth's ClientMetadata; `clientMetadata` ForgotPassword's.
    func find(
        _ name: String, password: String?, source: Source, pool: UserPool, client: AppClient, validationData: [String: String]?,
        clientMetadata: [String: String]?
    ) async throws -> User {
        let policy = SignInPolicy(deps: deps)
        guard let function = Triggers.function(.userMigration, in: pool) else {
            return try await policy.find(name, pool: pool, client: client)
        }
        do {
            return try await UserDirectory(pool: pool, storage: deps.storage).find(name)
        } catch let error as CognitoError where error.code == .userNotFoundException {
            return try await migrate(
                name, password: password, source: source, function: function, pool: pool, client: client, validationData: validationData,
                clientMetadata: clientMetadata)
        }
    }

    /// The statuses a migrated user may be given (`finalUserStatus`).
    static let statuses: Set<UserStatusType> = [.confirmed, .resetRequired]

    private func migrate(
        _ name: String, password: String?, source: Source, function: String, pool: UserPool, client: AppClient,
        validationData: [String: String]?, clientMetadata: [String: String]?
    ) async throws -> User {
        var request: [String: JSONValue] = [:]
        if let password { request["password"] = .string(password) }
        if let data = TriggerEvent.strings(validationData) { request["validationData"] = data }
        if let metadata = TriggerEvent.strings(clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(
            source: source.rawValue, pool: pool, userName: name, clientID: client.clientID, request: request,
            response: [
                "userAttributes": .null, "finalUserStatus": .null, "messageAction": .null, "desiredDeliveryMediums": .null,
                "forceAliasCreation": .null, "enableSMSMFA": .null,
            ])
        let response = try await Triggers(deps: deps).run(.userMigration, function: function, event: event)
        // The answer must bring the user's attributes; the rest is checked for AWS's values.
        guard var returned = try Triggers.strings(response, "userAttributes") else { throw Triggers.unrecognizable }
        let status = try Triggers.text(response, "finalUserStatus").map(UserStatusType.init(rawValue:)) ?? .resetRequired
        guard Self.statuses.contains(status) else { throw Triggers.unrecognizable }
        if let action = try Triggers.text(response, "messageAction"), !["SUPPRESS", "RESEND"].contains(action) { throw Triggers.unrecognizable }
        let mediums = try Triggers.list(response, "desiredDeliveryMediums") ?? []
        guard mediums.allSatisfy(["EMAIL", "SMS"].contains) else { throw Triggers.unrecognizable }
        let forceAliasCreation = try Triggers.flag(response, "forceAliasCreation")
        let smsMFA = try Triggers.flag(response, "enableSMSMFA")

        // A `username` comes back when the name typed was an alias; `sub` is always the pool's own.
        let chosen = returned.removeValue(forKey: "username") ?? name
        returned["sub"] = nil
        let attributes = AttributeRules.normalized(returned.sorted { $0.key < $1.key }.map { AttributeType(name: $0.key, value: $0.value) })
        try AttributeRules(pool: pool).check(attributes, creating: true)
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let sub = Identifiers(random: deps.random).sub()
        let (username, given) = try directory.newUser(name: chosen, sub: sub, attributes: attributes)
        let now = deps.clock.now()
        var user = User(
            poolID: pool.id, username: username, usernameKey: directory.usernameKey(username), sub: sub,
            attributes: [UserAttribute(name: "sub", value: sub)], status: status, enabled: true, creationDate: now, lastModifiedDate: now)
        for attribute in given { user.setAttribute(attribute.name, attribute.value ?? "") }
        if source == .authentication, status == .confirmed, let password {
            user.password = PasswordHasher(random: deps.random).credential(for: password, poolID: pool.id, username: username, at: now)
        }
        try AttributeRules(pool: pool).checkRequired(user)
        if smsMFA {
            guard user.attribute("phone_number") != nil else {
                throw Errors.invalidParameter("SMS MFA requires a phone_number attribute for the migrated user.")
            }
            var mfa = UserMFA()
            mfa.smsEnabled = true
            user.mfa = mfa
        }
        user.aliasKeys = directory.aliasKeys(of: user)
        try await UserAdminService(deps).store(user, in: pool, forceAliasCreation: forceAliasCreation)
        ServiceMetrics.migrated()
        // At sign-in, a user who must reset their password is told so (the password typed is not kept).
        if source == .authentication, status != .confirmed {
            throw CognitoError(.passwordResetRequiredException, "Password reset required for the user")
        }
        return user
    }
}
