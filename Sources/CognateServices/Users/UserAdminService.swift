import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// The administrator's user operations: AdminCreateUser, AdminGetUser, AdminDeleteUser, attribute updates,
/// enable/disable, AdminSetUserPassword, AdminConfirmSignUp and ListUsers.
struct UserAdminService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.AdminCreateUser.self) { input, _ in try await create(input) }
        table.register(Operations.AdminGetUser.self) { input, _ in
            let user = try await find(input.userPoolId, input.username).user
            let mfa = UserMfaService.view(user)
            return AdminGetUserResponse(
                username: user.username, userAttributes: user.wireAttributes, userCreateDate: user.creationDate,
                userLastModifiedDate: user.lastModifiedDate, enabled: user.enabled, userStatus: user.status,
                mfaOptions: mfa.options, preferredMfaSetting: mfa.preferred, userMFASettingList: mfa.list
            )
        }
        table.register(Operations.AdminDeleteUser.self) { input, _ in
            let (_, user) = try await find(input.userPoolId, input.username)
            try await StorageError.map(notFound: Errors.userNotFound) {
                try await deps.storage.deleteUser(poolID: input.userPoolId, usernameKey: user.usernameKey)
            }
            return .init()
        }
        table.register(Operations.AdminUpdateUserAttributes.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            let attributes = AttributeRules.normalized(input.userAttributes)
            try AttributeRules(pool: pool).check(attributes, creating: false)
            try await update(pool, user) { user in
                for attribute in attributes {
                    let old = user.attribute(attribute.name)
                    user.setAttribute(attribute.name, attribute.value ?? "")
                    // A changed address is unverified until proven, unless the request says otherwise.
                    for address in ["email", "phone_number"] where attribute.name == address && old != attribute.value {
                        if !attributes.contains(where: { $0.name == address + "_verified" }) {
                            user.setAttribute(address + "_verified", "false")
                        }
                    }
                }
            }
            return .init()
        }
        table.register(Operations.AdminDeleteUserAttributes.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            try AttributeRules(pool: pool).checkKnown(input.userAttributeNames)
            for name in input.userAttributeNames {
                guard let definition = pool.schema.first(where: { $0.name == name }) else { continue }
                if definition.required == true || name == "sub" {
                    throw Errors.invalidParameter("Cannot delete the required attribute \(name).")
                }
                if definition.mutable == false {
                    throw Errors.invalidParameter("Cannot modify the non-mutable attribute \(name).")
                }
            }
            try await update(pool, user) { user in
                for name in input.userAttributeNames { user.setAttribute(name, nil) }
            }
            return .init()
        }
        table.register(Operations.AdminDisableUser.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            try await update(pool, user) { $0.enabled = false }
            // As in Cognito, disabling signs the user out everywhere: enabling them again brings no old token back.
            try await deps.storage.revokeRefreshTokens(poolID: pool.id, usernameKey: user.usernameKey)
            try await UserSessions(deps: deps).endAll(poolID: pool.id, usernameKey: user.usernameKey)
            return .init()
        }
        table.register(Operations.AdminEnableUser.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            try await update(pool, user) { $0.enabled = true }
            return .init()
        }
        table.register(Operations.AdminSetUserPassword.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            let rules = PasswordRules(pool.settings.policies?.passwordPolicy)
            let now = deps.clock.now()
            let credential = try PasswordChange(deps: deps).credential(for: input.password, pool: pool, user: user)
            let permanent = input.permanent ?? false
            try await update(pool, user) { user in
                PasswordChange.apply(credential, to: &user, pool: pool)
                if permanent {
                    user.status = .confirmed
                    user.temporaryPasswordExpiry = nil
                } else {
                    user.status = .forceChangePassword
                    user.temporaryPasswordExpiry = now.addingTimeInterval(Double(rules.temporaryPasswordValidityDays) * 86_400)
                }
            }
            return .init()
        }
        table.register(Operations.AdminConfirmSignUp.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            let confirmed = try await update(pool, user) { user in
                guard user.status == .unconfirmed else {
                    throw CognitoError(.notAuthorizedException, "User cannot be confirmed. Current status is \(user.status)")
                }
                user.status = .confirmed
            }
            try await SignUpTriggers(deps: deps).postConfirmation(
                source: "PostConfirmation_ConfirmSignUp", pool: pool, user: confirmed, clientID: nil, clientMetadata: input.clientMetadata)
            return .init()
        }
        table.register(Operations.ListUsers.self) { input, _ in try await list(input) }
    }

    /// The pool and the user a name refers to (username or active alias).
    func find(_ poolID: String, _ name: String) async throws -> (pool: UserPool, user: User) {
        let pool = try await UserPoolService(deps).load(poolID)
        return (pool, try await UserDirectory(pool: pool, storage: deps.storage).find(name))
    }

    /// Applies a change to a user, keeping the modification date and alias keys current.
    @discardableResult
    func update(_ pool: UserPool, _ user: User, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let now = deps.clock.now()
        do {
            return try await StorageError.map(notFound: Errors.userNotFound) {
                try await deps.storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { user in
                    try change(&user)
                    user.lastModifiedDate = now
                    user.aliasKeys = directory.aliasKeys(of: user)
                }
            }
        } catch StorageError.alreadyExists {
            let changed = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, usernameKey: user.usernameKey) })
            var attempted = changed ?? user
            try? change(&attempted)
            throw CognitoError(.aliasExistsException, UserDirectory.aliasTakenMessage(try await directory.takenAlias(of: attempted)))
        }
    }

    private func create(_ input: AdminCreateUserRequest) async throws -> AdminCreateUserResponse {
        let pool = try await UserPoolService(deps).load(input.userPoolId)
        try await RecoveryPause.refuse(poolID: pool.id, deps)
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let rules = PasswordRules(pool.settings.policies?.passwordPolicy)
        let attributes = AttributeRules.normalized(input.userAttributes ?? [])
        try AttributeRules(pool: pool).check(attributes, creating: true)
        let messenger = Messenger(deps: deps)
        let mediums = input.desiredDeliveryMediums ?? [.sms]
        let now = deps.clock.now()
        /// A medium the request names needs its attribute (AWS: "No email provided but desired delivery medium
        /// was Email"); the default one, SMS, is skipped when there is no phone number.
        func checkRecipients(_ attribute: (String) -> String?) throws {
            guard input.messageAction != .suppress, let named = input.desiredDeliveryMediums else { return }
            if named.contains(.email), attribute("email") == nil {
                throw Errors.invalidParameter("No email provided but desired delivery medium was Email")
            }
            if named.contains(.sms), attribute("phone_number") == nil {
                throw Errors.invalidParameter("No phone_number provided but desired delivery medium was Sms")
            }
        }

        if input.messageAction == .resend {
            let existing = try await directory.find(input.username)
            guard existing.status == .forceChangePassword else {
                throw CognitoError(.unsupportedUserStateException, "Resend not possible. \(existing.username) status is not FORCE_CHANGE_PASSWORD.")
            }
            try checkRecipients(existing.attribute)
            let password = input.temporaryPassword ?? rules.temporaryPassword(deps.random)
            try rules.check(password, setting: .temporary)
            let credential = PasswordHasher(random: deps.random).credential(for: password, poolID: pool.id, username: existing.username, at: now)
            let user = try await update(pool, existing) { user in
                user.password = credential
                user.temporaryPasswordExpiry = now.addingTimeInterval(Double(rules.temporaryPasswordValidityDays) * 86_400)
            }
            try await messenger.sendInvitation(
                pool: pool, user: user, temporaryPassword: password, mediums: mediums, clientMetadata: input.clientMetadata)
            return AdminCreateUserResponse(user: user.wireType)
        }

        let sub = Identifiers(random: deps.random).sub()
        let (username, given) = try directory.newUser(name: input.username, sub: sub, attributes: attributes)

        let password = input.temporaryPassword ?? rules.temporaryPassword(deps.random)
        try rules.check(password, setting: .temporary)
        var user = User(
            poolID: pool.id, username: username, usernameKey: directory.usernameKey(username), sub: sub,
            attributes: [UserAttribute(name: "sub", value: sub)], status: .forceChangePassword, enabled: true,
            creationDate: now, lastModifiedDate: now,
            password: PasswordHasher(random: deps.random).credential(for: password, poolID: pool.id, username: username, at: now),
            temporaryPasswordExpiry: now.addingTimeInterval(Double(rules.temporaryPasswordValidityDays) * 86_400)
        )
        for attribute in given { user.setAttribute(attribute.name, attribute.value ?? "") }
        // Required attributes may be missing here, as AWS documents: the user supplies them in the
        // NEW_PASSWORD_REQUIRED answer, whose challenge lists them (`requiredAttributes`).
        try checkRecipients(user.attribute)
        // PreSignUp may refuse the user; its auto-confirm and auto-verify answers do not apply here (AWS ignores them).
        _ = try await SignUpTriggers(deps: deps).preSignUp(
            source: "PreSignUp_AdminCreateUser", pool: pool, userName: username, clientID: nil, attributes: given,
            validationData: input.validationData, clientMetadata: input.clientMetadata)
        user.aliasKeys = directory.aliasKeys(of: user)
        try await store(user, in: pool, forceAliasCreation: input.forceAliasCreation == true)
        if input.messageAction != .suppress {
            try await messenger.sendInvitation(
                pool: pool, user: user, temporaryPassword: password, mediums: mediums, clientMetadata: input.clientMetadata)
        }
        return AdminCreateUserResponse(user: user.wireType)
    }

    /// Stores a new user, with AWS's answers for a name or alias that is taken. `forceAliasCreation`: a
    /// verified email or phone number that is another user's alias moves to the new user.
    func store(_ user: User, in pool: UserPool, forceAliasCreation: Bool) async throws {
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        if forceAliasCreation {
            try await migrateAliases(of: user, in: pool)
        }
        do {
            try await deps.storage.createUser(user)
        } catch StorageError.alreadyExists(let key) {
            if key == "alias" {
                let message = UserDirectory.aliasTakenMessage(try await directory.takenAlias(of: user))
                if pool.settings.usernameAttributes?.isEmpty == false { throw CognitoError(.usernameExistsException, message) }
                throw CognitoError(.aliasExistsException, message)
            }
            throw CognitoError(.usernameExistsException, "User account already exists")
        } catch StorageError.notFound {
            throw Errors.poolNotFound(pool.id)
        }
    }

    /// ForceAliasCreation: a verified email or phone number that is another user's alias stops being
    /// theirs (it becomes unverified for them) so the new user can take it.
    func migrateAliases(of user: User, in pool: UserPool) async throws {
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        for attribute in ["email", "phone_number"] {
            guard let value = user.attribute(attribute), user.attribute(attribute + "_verified") == "true" else { continue }
            let key = directory.aliasKey(attribute, value)
            guard let owner = try await StorageError.ifPresent({ try await deps.storage.user(poolID: pool.id, aliasKey: key) }) else { continue }
            try await update(pool, owner) { $0.setAttribute(attribute + "_verified", "false") }
        }
    }

    private func list(_ input: ListUsersRequest) async throws -> ListUsersResponse {
        let pool = try await UserPoolService(deps).load(input.userPoolId)
        var filter = try input.filter.flatMap { text throws(CognitoError) in try FilterParser.parse(text) }
        if var f = filter, f.field == .username {
            f.value = UserDirectory(pool: pool, storage: deps.storage).usernameKey(f.value)
            filter = f
        }
        let limit = input.limit ?? 60
        let page = try await StorageError.map(notFound: Errors.invalidToken) {
            try await deps.storage.listUsers(
                poolID: pool.id, filter: filter, PageRequest(token: input.paginationToken, limit: limit == 0 ? 60 : limit))
        }
        var users = page.items.map(\.wireType)
        if let wanted = input.attributesToGet {
            let names = Set(wanted)
            for index in users.indices {
                users[index].attributes = users[index].attributes?.filter { names.contains($0.name) }
            }
        }
        return ListUsersResponse(users: users, paginationToken: page.nextToken)
    }
}

extension User {
    var wireAttributes: [AttributeType] {
        attributes.map { AttributeType(name: $0.name, value: $0.value) }
    }

    var wireType: UserType {
        UserType(
            username: username, attributes: wireAttributes, userCreateDate: creationDate, userLastModifiedDate: lastModifiedDate,
            enabled: enabled, userStatus: status
        )
    }
}
