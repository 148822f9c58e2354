import CognateServices
import CognateStorage
import CognateTesting
import CognitoModel
import Foundation
import Testing

/// UserMigration: a name the pool does not know, at a password sign-in or at ForgotPassword, is offered to
/// the pool's function, which brings the user in from an older directory (or refuses).
@Suite struct UserMigrationFlowTests {
    static let function = "arn:aws:lambda:us-east-1:000000000000:function:migrate"
    static let legacyPassword = "Legacy-Passw0rd!"

    /// The older directory: `lee` with `legacyPassword`, and `kim`, who must reset her password.
    @Sendable static func directory(_ function: String, _ payload: [UInt8]) -> InvocationResult {
        guard var event = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any],
            let request = event["request"] as? [String: Any], let name = event["userName"] as? String
        else { return .functionError("unreadable event") }
        let source = event["triggerSource"] as? String
        switch (name, source) {
        case ("lee", "UserMigration_Authentication") where request["password"] as? String == legacyPassword,
            ("lee", "UserMigration_ForgotPassword"):
            event["response"] = [
                "userAttributes": ["email": "lee@example.com", "email_verified": "true", "name": "Lee"], "finalUserStatus": "CONFIRMED",
                "messageAction": "SUPPRESS",
            ]
        case ("kim", _):
            event["response"] = ["userAttributes": ["email": "kim@example.com", "email_verified": "true"], "finalUserStatus": "RESET_REQUIRED"]
        case (_, _):
            return .functionError("Bad password")
        }
        return .returned(Array((try? JSONSerialization.data(withJSONObject: event)) ?? Data()))
    }

    func migratingPool(_ cognate: TestCognate) async throws -> TestCognate.Client {
        cognate.functions.answer(Self.directory)
        let pool = try await cognate.pool {
            $0.lambdaConfig = LambdaConfigType(userMigration: Self.function)
            $0.autoVerifiedAttributes = [.email]
        }
        return try await cognate.client(pool)
    }

    @Test func aPasswordSignInBringsTheUserInOnce() async throws {
        try await TestCognate.with { cognate in
            let client = try await migratingPool(cognate)
            let tokens = try await cognate.signIn(client, "lee", Self.legacyPassword)
            #expect(JWTClaims.of(tokens.idToken)[member: "email"]?.text == "lee@example.com")
            let user = try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: client.poolID, username: "lee"))
            #expect(user.userStatus == .confirmed)
            #expect(user.userAttributes?.contains(AttributeType(name: "name", value: "Lee")) == true)
            let event = try #require(cognate.functions.invocations.first?.event)
            #expect(event[member: "triggerSource"]?.text == "UserMigration_Authentication")
            #expect(event[member: "request"]?[member: "password"]?.text == Self.legacyPassword)

            // The user is the pool's own now: the password typed signs in without the function.
            _ = try await cognate.signIn(client, "lee", Self.legacyPassword)
            #expect(cognate.functions.invocations.count == 1)
            await expectError(.notAuthorizedException) { try await cognate.signIn(client, "lee", "Wrong-Passw0rd!") }
            #expect(cognate.functions.invocations.count == 1)
        }
    }

    @Test func aRefusalCreatesNobody() async throws {
        try await TestCognate.with { cognate in
            let client = try await migratingPool(cognate)
            await expectError(.userLambdaValidationException) { try await cognate.signIn(client, "lee", "Not-The-Passw0rd!") }
            await expectError(.userNotFoundException) {
                try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: client.poolID, username: "lee"))
            }
        }
    }

    @Test func aUserBroughtInForAResetMustResetFirst() async throws {
        try await TestCognate.with { cognate in
            let client = try await migratingPool(cognate)
            await expectError(.passwordResetRequiredException) { try await cognate.signIn(client, "kim", "Anything-Passw0rd!") }
            let user = try await cognate.call(Operations.AdminGetUser.self, AdminGetUserRequest(userPoolId: client.poolID, username: "kim"))
            #expect(user.userStatus == .resetRequired)
        }
    }

    @Test func forgotPasswordBringsTheUserInAndSendsACode() async throws {
        try await TestCognate.with { cognate in
            let client = try await migratingPool(cognate)
            let sent = try await cognate.call(
                Operations.ForgotPassword.self, ForgotPasswordRequest(clientId: client.id, username: "lee"), iamAuthorized: false)
            #expect(sent.codeDeliveryDetails?.deliveryMedium == .email)
            #expect(cognate.functions.invocations.first?.triggerSource == "UserMigration_ForgotPassword")
            #expect(cognate.functions.invocations.first?.event[member: "request"]?[member: "password"] == nil)
            let code = try await cognate.lastCode(to: "lee@example.com")
            try await cognate.call(
                Operations.ConfirmForgotPassword.self,
                ConfirmForgotPasswordRequest(clientId: client.id, username: "lee", confirmationCode: code, password: "New-Passw0rd-2026"),
                iamAuthorized: false)
            #expect(try await cognate.signIn(client, "lee", "New-Passw0rd-2026").accessToken != nil)
        }
    }

    @Test func srpDoesNotMigrate() async throws {
        try await TestCognate.with { cognate in
            let client = try await migratingPool(cognate)
            let error = await #expect(throws: CognitoError.self) { try await cognate.signInWithSRP(client, "lee", Self.legacyPassword) }
            #expect([.userNotFoundException, .notAuthorizedException].contains(error?.code))
            #expect(cognate.functions.invocations.isEmpty)
        }
    }
}
