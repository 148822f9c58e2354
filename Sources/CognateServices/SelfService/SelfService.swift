import CognateStorage
import CognateWire
import CognitoModel

/// The operations users call with their own access token: GetUser, ChangePassword, UpdateUserAttributes,
/// DeleteUserAttributes, DeleteUser, GetUserAttributeVerificationCode and VerifyUserAttribute.
struct SelfService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    var verifier: AccessTokenVerifier { AccessTokenVerifier(deps: deps) }
    var admin: UserAdminService { UserAdminService(deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetUser.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            let permissions = AttributePermissions(client: try await verifier.client(of: claims, pool: pool))
            let mfa = UserMfaService.view(user)
            return GetUserResponse(
                username: user.username, userAttributes: permissions.readable(user.attributes).map { AttributeType(name: $0.name, value: $0.value) },
                mfaOptions: mfa.options,
                preferredMfaSetting: mfa.preferred, userMFASettingList: mfa.list)
        }
        table.register(Operations.ChangePassword.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            let guarding = ThreatProtection(deps: deps)
            return try await guarding.recording(.passwordChange, user: user, pool: pool, client: nil) {
                let policy = SignInPolicy(deps: deps)
                // Wrong previous passwords count toward the sign-in lockout; while it lasts, AWS answers LimitExceededException.
                if policy.lockout(user) != nil { throw Errors.attemptLimitExceeded }
                guard let previous = input.previousPassword, let credential = user.password,
                    PasswordHasher.matches(previous, poolID: pool.id, username: user.username, credential)
                else {
                    try await policy.recordFailure(user: user, pool: pool)
                    throw SignInPolicy.incorrect
                }
                try await guarding.screen(input.proposedPassword, for: .passwordChange, pool: pool, clientID: claims["client_id"]?.string)
                let updated = try PasswordChange(deps: deps).credential(for: input.proposedPassword, pool: pool, user: user)
                try await admin.update(pool, user) { user in
                    PasswordChange.apply(updated, to: &user, pool: pool)
                    user.failedSignIns = nil
                    user.lastFailedSignIn = nil
                    user.regionalSignInFailures = nil
                }
                return ChangePasswordResponse()
            }
        }
        table.register(Operations.UpdateUserAttributes.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            try AttributeRules(pool: pool).check(input.userAttributes, creating: false)
            try AttributePermissions(client: try await verifier.client(of: claims, pool: pool)).checkWrite(input.userAttributes.map(\.name))
            // A new email address or phone number is unverified until its code comes back.
            let changed = input.userAttributes.filter { ["email", "phone_number"].contains($0.name) && user.attribute($0.name) != $0.value }
            let updated = try await admin.update(pool, user) { user in
                for attribute in input.userAttributes { user.setAttribute(attribute.name, attribute.value ?? "") }
                for attribute in changed { user.setAttribute(attribute.name + "_verified", "false") }
            }
            var deliveries: [CodeDeliveryDetailsType] = []
            let verified = Set((pool.settings.autoVerifiedAttributes ?? []).map(\.rawValue))
            for attribute in changed where verified.contains(attribute.name) {
                deliveries.append(
                    try await SignUpService(deps).sendCode(
                        Codes.verify(attribute.name), attribute: attribute.name, pool: pool, user: updated,
                        trigger: MessageTrigger(
                            source: "UpdateUserAttribute", clientID: claims["client_id"]?.string, clientMetadata: input.clientMetadata)))
            }
            return UpdateUserAttributesResponse(codeDeliveryDetailsList: deliveries.isEmpty ? nil : deliveries)
        }
        table.register(Operations.DeleteUserAttributes.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            try AttributePermissions(client: try await verifier.client(of: claims, pool: pool)).checkWrite(input.userAttributeNames)
            try AttributeRules(pool: pool).checkKnown(input.userAttributeNames)
            for name in input.userAttributeNames {
                guard let definition = pool.schema.first(where: { $0.name == name }) else { continue }
                if definition.required == true || name == "sub" || definition.mutable == false {
                    throw Errors.invalidParameter("Cannot delete the required or non-mutable attribute \(name).")
                }
            }
            try await admin.update(pool, user) { user in
                for name in input.userAttributeNames { user.setAttribute(name, nil) }
            }
            return DeleteUserAttributesResponse()
        }
        table.register(Operations.DeleteUser.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            try await StorageError.map(notFound: Errors.userNotFound) {
                try await deps.storage.deleteUser(poolID: pool.id, usernameKey: user.usernameKey)
            }
            return .init()
        }
        table.register(Operations.GetUserAttributeVerificationCode.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            try await RecoveryPause.refuse(poolID: pool.id, deps)
            guard ["email", "phone_number"].contains(input.attributeName), user.attribute(input.attributeName) != nil else {
                throw Errors.invalidParameter("The user has no \(input.attributeName) to verify.")
            }
            let delivery = try await SignUpService(deps).sendCode(
                Codes.verify(input.attributeName), attribute: input.attributeName, pool: pool, user: user,
                trigger: MessageTrigger(source: "VerifyUserAttribute", clientID: claims["client_id"]?.string, clientMetadata: input.clientMetadata))
            return GetUserAttributeVerificationCodeResponse(codeDeliveryDetails: delivery)
        }
        table.register(Operations.VerifyUserAttribute.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            let purpose = Codes.verify(input.attributeName)
            try await CodeRedemption(deps: deps).check(input.code, purpose: purpose, pool: pool, user: user)
            let now = deps.clock.now()
            try await admin.update(pool, user) { user in
                _ = try Codes.consume(input.code, purpose: purpose, from: &user, now: now)
                user.setAttribute(input.attributeName + "_verified", "true")
            }
            return VerifyUserAttributeResponse()
        }
    }
}
