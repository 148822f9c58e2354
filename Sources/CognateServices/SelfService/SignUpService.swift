import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// SignUp, ConfirmSignUp and ResendConfirmationCode.
struct SignUpService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    var gate: ClientGate { ClientGate(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.SignUp.self) { input, _ in try await ClaimedContext.with(input.userContextData) { try await signUp(input) } }
        table.register(Operations.ConfirmSignUp.self) { input, _ in try await ClaimedContext.with(input.userContextData) { try await confirm(input) }
        }
        table.register(Operations.ResendConfirmationCode.self) { input, _ in
            try await ClaimedContext.with(input.userContextData) { try await resend(input) }
        }
    }

    func confirm(_ input: ConfirmSignUpRequest) async throws -> ConfirmSignUpResponse {
        let (pool, client) = try await gate.resolve(clientID: input.clientId)
        try gate.requireSecretHash(input.secretHash, usernames: [input.username], client, in: .member)
        let user = try await SignInPolicy(deps: deps).find(input.username, pool: pool, client: client)
        // A name nobody has answers as a code that has run out (AWS's user-existence behaviour).
        if SimulatedUser.isSimulated(user) {
            try await SimulatedUser.matchWrite(deps, pool: pool)
            throw Codes.expired
        }
        guard user.status == .unconfirmed else {
            throw CognitoError(.notAuthorizedException, "User cannot be confirmed. Current status is \(user.status)")
        }
        try await CodeRedemption(deps: deps).check(input.confirmationCode, purpose: Codes.signUp, pool: pool, user: user)
        let now = deps.clock.now()
        let confirmed = try await UserAdminService(deps).update(pool, user) { user in
            let pending = try Codes.consume(input.confirmationCode, purpose: Codes.signUp, from: &user, now: now)
            user.status = .confirmed
            if let attribute = pending.attribute { user.setAttribute(attribute + "_verified", "true") }
        }
        // The confirmation stands whatever PostConfirmation answers; its failure is the caller's error.
        try await SignUpTriggers(deps: deps).postConfirmation(
            source: "PostConfirmation_ConfirmSignUp", pool: pool, user: confirmed, clientID: client.clientID, clientMetadata: input.clientMetadata)
        return ConfirmSignUpResponse()
    }

    func resend(_ input: ResendConfirmationCodeRequest) async throws -> ResendConfirmationCodeResponse {
        let (pool, client) = try await gate.resolve(clientID: input.clientId)
        try gate.requireSecretHash(input.secretHash, usernames: [input.username], client, in: .member)
        try await RecoveryPause.refuse(poolID: pool.id, deps)
        let user = try await SignInPolicy(deps: deps).find(input.username, pool: pool, client: client)
        if SimulatedUser.isSimulated(user) {
            try await SimulatedUser.matchWrite(deps, pool: pool)
            let phone = (pool.settings.autoVerifiedAttributes ?? []).contains(.phoneNumber)
            return ResendConfirmationCodeResponse(
                codeDeliveryDetails: SimulatedUser.delivery(
                    name: input.username, pool: pool, key: deps.configuration.simulationKey, preferPhone: phone))
        }
        return try await ThreatProtection(deps: deps).recording(.resendCode, user: user, pool: pool, client: client) {
            guard user.status == .unconfirmed else { throw Errors.invalidParameter("User is already confirmed.") }
            guard let attribute = Self.confirmationAttribute(pool, user) else {
                throw Errors.invalidParameter("Auto verification not turned on.")
            }
            return ResendConfirmationCodeResponse(
                codeDeliveryDetails: try await sendCode(
                    Codes.signUp, attribute: attribute, pool: pool, user: user,
                    trigger: MessageTrigger(source: "ResendCode", clientID: client.clientID, clientMetadata: input.clientMetadata)))
        }
    }

    /// The attribute a sign-up code goes to: a phone number if the pool verifies them, else an email address.
    static func confirmationAttribute(_ pool: UserPool, _ user: User) -> String? {
        let verified = pool.settings.autoVerifiedAttributes ?? []
        if verified.contains(.phoneNumber), user.attribute("phone_number") != nil { return "phone_number" }
        if verified.contains(.email), user.attribute("email") != nil { return "email" }
        return nil
    }

    /// Generates a code for `purpose`, stores its hash on the user, and delivers it.
    func sendCode(_ purpose: String, attribute: String, pool: UserPool, user: User, trigger: MessageTrigger) async throws -> CodeDeliveryDetailsType {
        let code = Codes.generate(deps.random)
        let now = deps.clock.now()
        let pending = PendingCode(hash: Codes.hash(code), expiresAt: now.addingTimeInterval(Codes.lifetime(purpose)), attribute: attribute)
        let updated = try await UserAdminService(deps).update(pool, user) { user in
            try CodeThrottling.recordSend(&user, now: now)
            var codes = user.codes ?? [:]
            codes[purpose] = pending
            user.codes = codes
        }
        return try await Messenger(deps: deps).sendCode(code, purpose: purpose, attribute: attribute, pool: pool, user: updated, trigger: trigger)
    }

    func signUp(_ input: SignUpRequest) async throws -> SignUpResponse {
        let (pool, client) = try await gate.resolve(clientID: input.clientId)
        if pool.settings.adminCreateUserConfig?.allowAdminCreateUserOnly == true {
            throw CognitoError(.notAuthorizedException, "SignUp is not permitted for this user pool")
        }
        try gate.requireSecretHash(input.secretHash, usernames: [input.username], client, in: .member)
        try await RecoveryPause.refuse(poolID: pool.id, deps)
        guard let password = input.password else {
            throw Errors.invalidParameter("Password is required to sign up with a password.")
        }
        try PasswordRules(pool.settings.policies?.passwordPolicy).check(password, setting: .signUp)
        // Threat protection: no sign-up from an always-blocked address, nor with a compromised password it blocks.
        let guarding = ThreatProtection(deps: deps)
        try await guarding.admitAddress(pool: pool, client: client)
        let compromised = try await guarding.screen(password, for: .signUp, pool: pool, clientID: client.clientID)
        let attributes = input.userAttributes ?? []
        try AttributeRules(pool: pool).check(attributes, creating: true)
        try AttributePermissions(client: client).checkWrite(attributes.map(\.name))
        let directory = UserDirectory(pool: pool, storage: deps.storage)
        let sub = Identifiers(random: deps.random).sub()
        let (username, given) = try directory.newUser(name: input.username, sub: sub, attributes: attributes)
        let now = deps.clock.now()
        var user = User(
            poolID: pool.id, username: username, usernameKey: directory.usernameKey(username), sub: sub,
            attributes: [UserAttribute(name: "sub", value: sub)], status: .unconfirmed, enabled: true,
            creationDate: now, lastModifiedDate: now,
            password: PasswordHasher(random: deps.random).credential(for: password, poolID: pool.id, username: username, at: now)
        )
        for attribute in given { user.setAttribute(attribute.name, attribute.value ?? "") }
        try AttributeRules(pool: pool).checkRequired(user)
        // PreSignUp may refuse the user (nothing is created), confirm them, or verify their address.
        let signUp = try await SignUpTriggers(deps: deps).preSignUp(
            source: "PreSignUp_SignUp", pool: pool, userName: username, clientID: client.clientID, attributes: given,
            validationData: input.validationData, clientMetadata: input.clientMetadata)
        if signUp.autoConfirmUser { user.status = .confirmed }
        // An address the function verifies must be there; as an alias it moves to the new user, the previous
        // owner's copy becoming unverified (AWS's PreSignUp rules).
        for (verify, attribute) in [(signUp.autoVerifyEmail, "email"), (signUp.autoVerifyPhone, "phone_number")] where verify {
            guard user.attribute(attribute) != nil else {
                throw Errors.invalidParameter("PreSignUp verified \(attribute), but the user has no \(attribute) attribute.")
            }
            user.setAttribute(attribute + "_verified", "true")
        }
        user.aliasKeys = directory.aliasKeys(of: user)
        if (signUp.autoVerifyEmail || signUp.autoVerifyPhone) && pool.settings.usernameAttributes?.isEmpty != false {
            try await UserAdminService(deps).migrateAliases(of: user, in: pool)
        }
        do {
            try await deps.storage.createUser(user)
        } catch StorageError.alreadyExists(let key) {
            // In pools that sign in with an email or phone number, the address is the name that is taken.
            if key == "alias" {
                throw CognitoError(.usernameExistsException, UserDirectory.aliasTakenMessage(try await directory.takenAlias(of: user)))
            }
            throw CognitoError(.usernameExistsException, "User already exists")
        }
        try await guarding.record(
            .signUp, user: user, pool: pool, client: client, response: user.status == .confirmed ? .pass : .inProgress, compromised: compromised)
        if user.status == .confirmed {
            // Confirmed by PreSignUp: no code, and PostConfirmation runs as after ConfirmSignUp.
            try await SignUpTriggers(deps: deps).postConfirmation(
                source: "PostConfirmation_ConfirmSignUp", pool: pool, user: user, clientID: client.clientID, clientMetadata: input.clientMetadata)
            return SignUpResponse(userConfirmed: true, userSub: sub)
        }
        var delivery: CodeDeliveryDetailsType?
        if let attribute = Self.confirmationAttribute(pool, user) {
            delivery = try await sendCode(
                Codes.signUp, attribute: attribute, pool: pool, user: user,
                trigger: MessageTrigger(source: "SignUp", clientID: client.clientID, clientMetadata: input.clientMetadata))
        }
        return SignUpResponse(userConfirmed: false, codeDeliveryDetails: delivery, userSub: sub)
    }
}
