import CognateStorage
import CognitoModel

/// NEW_PASSWORD_REQUIRED: the user replaces a temporary password and supplies the required attributes the
/// challenge listed (and may set other writable ones), then the second factor or the tokens. A refused answer
/// leaves the session for another try.
struct NewPasswordResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.newPasswordRequired] }

    /// The refusals of an answer, after which it may be given again.
    static let refusals: Set<ErrorCode> = [
        .invalidPasswordException, .invalidParameterException, .passwordHistoryPolicyViolationException, .notAuthorizedException,
    ]

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        let updated: User
        do {
            updated = try await setNewPassword(step)
        } catch let error as CognitoError where Self.refusals.contains(error.code) {
            try await step.auth.sessions.restore(step.session)
            throw error
        }
        return try await step.auth.secondFactor(
            user: updated, pool: step.pool, client: step.client, deviceKey: step.deviceKey, source: .newPasswordChallenge)
    }

    /// AWS's rules for the attributes of the answer: a required attribute that has a value already cannot be
    /// set here ("Cannot modify an already provided email"), and every required one must have a value after it
    /// ("Invalid attributes given, name is missing"; several are joined with "and").
    static func checkRequired(_ attributes: [AttributeType], user: User, pool: UserPool) throws(CognitoError) {
        let rules = AttributeRules(pool: pool)
        let required = Set(rules.requiredNames)
        for attribute in attributes where required.contains(attribute.name) && !(user.attribute(attribute.name)?.isEmpty ?? true) {
            throw CognitoError(.notAuthorizedException, "Cannot modify an already provided \(attribute.name)")
        }
        var after = user
        for attribute in attributes { after.setAttribute(attribute.name, attribute.value ?? "") }
        let missing = rules.missingRequired(after)
        if !missing.isEmpty {
            throw Errors.invalidParameter("Invalid attributes given, \(missing.joined(separator: " and ")) is missing")
        }
    }

    private func setNewPassword(_ step: ChallengeStep) async throws -> User {
        let (pool, client) = (step.pool, step.client)
        let password = try AuthService.required("NEW_PASSWORD", step.responses)
        let attributes = step.responses.filter { $0.key.hasPrefix("userAttributes.") }
            .map { AttributeType(name: String($0.key.dropFirst("userAttributes.".count)), value: $0.value) }
        // The answer writes attributes on the user's behalf, so it is held to the client's permissions.
        try AttributePermissions(client: client).checkWrite(attributes.map(\.name))
        try AttributeRules(pool: pool).check(attributes, creating: false)
        try Self.checkRequired(attributes, user: step.user, pool: pool)
        try await ThreatProtection(deps: step.deps).screen(password, for: .passwordChange, pool: pool, clientID: client.clientID)
        let credential = try PasswordChange(deps: step.deps).credential(for: password, pool: pool, user: step.user)
        return try await UserAdminService(step.deps).update(pool, step.user) { user in
            PasswordChange.apply(credential, to: &user, pool: pool)
            user.status = .confirmed
            user.temporaryPasswordExpiry = nil
            for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
        }
    }
}
