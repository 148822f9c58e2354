import CognateStorage
import CognitoModel

/// NEW_PASSWORD_REQUIRED: the user replaces a temporary password (and may supply attributes), then the
/// second factor or the tokens. A rejected password leaves the session for another try.
struct NewPasswordResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.newPasswordRequired] }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        do {
            let updated = try await setNewPassword(step)
            return try await step.auth.secondFactor(
                user: updated, pool: step.pool, client: step.client, deviceKey: step.deviceKey, source: .newPasswordChallenge)
        } catch let error as CognitoError
            where [.invalidPasswordException, .invalidParameterException, .passwordHistoryPolicyViolationException].contains(error.code)
        {
            try await step.auth.sessions.restore(step.session)
            throw error
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
        let credential = try PasswordChange(deps: step.deps).credential(for: password, pool: pool, user: step.user)
        return try await UserAdminService(step.deps).update(pool, step.user) { user in
            PasswordChange.apply(credential, to: &user, pool: pool)
            user.status = .confirmed
            user.temporaryPasswordExpiry = nil
            for attribute in attributes { user.setAttribute(attribute.name, attribute.value ?? "") }
        }
    }
}
