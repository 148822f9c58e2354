import CognateTesting
import CognitoModel
import Testing

/// The lockout after failed sign-ins is one count across flows: wrong passwords by USER_PASSWORD_AUTH or by
/// SRP lock both, the right password is refused while locked, and the lock lifts with time.
@Suite struct LockoutFlowTests {
    static let password = "Passw0rd!"
    static let wrong = "Wr0ng-Passw0rd!"
    static let locked = CognitoError(.notAuthorizedException, "Password attempts exceeded")
    static let incorrect = CognitoError(.notAuthorizedException, "Incorrect username or password.")

    func setUp(_ cognate: TestCognate) async throws -> TestCognate.Client {
        let pool = try await cognate.pool()
        let client = try await cognate.client(pool, flows: [.allowUserPasswordAuth, .allowUserSrpAuth, .allowAdminUserPasswordAuth])
        try await cognate.confirmedUser(pool, "locky", password: Self.password)
        return client
    }

    @Test func fiveWrongPasswordsLockEveryFlowForAWhile() async throws {
        try await TestCognate.with { cognate in
            let client = try await setUp(cognate)
            for _ in 0..<5 {
                await #expect(throws: Self.incorrect) { try await cognate.signIn(client, "locky", Self.wrong) }
            }
            await #expect(throws: Self.locked) { try await cognate.signIn(client, "locky", Self.password) }
            await #expect(throws: Self.locked) { try await cognate.signInWithSRP(client, "locky", Self.password) }
            await #expect(throws: Self.locked) {
                try await cognate.call(
                    Operations.AdminInitiateAuth.self,
                    AdminInitiateAuthRequest(
                        userPoolId: client.poolID, clientId: client.id, authFlow: .adminUserPasswordAuth,
                        authParameters: ["USERNAME": "locky", "PASSWORD": Self.password]))
            }
            cognate.clock.advance(by: 1.5)
            #expect(try await cognate.signIn(client, "locky", Self.password).accessToken != nil)
        }
    }

    @Test func wrongSRPProofsLockThePlainFlow() async throws {
        try await TestCognate.with { cognate in
            let client = try await setUp(cognate)
            for _ in 0..<6 {
                await #expect(throws: CognitoError.self) { try await cognate.signInWithSRP(client, "locky", Self.wrong) }
            }
            await #expect(throws: Self.locked) { try await cognate.signIn(client, "locky", Self.password) }
        }
    }

    @Test func theBackOffGrowsWithEachFailureWhileLocked() async throws {
        try await TestCognate.with { cognate in
            let client = try await setUp(cognate)
            for _ in 0..<5 {
                await #expect(throws: Self.incorrect) { try await cognate.signIn(client, "locky", Self.wrong) }
            }
            // Locked for 1 s; a wrong password after it makes the next lock 2 s.
            cognate.clock.advance(by: 1.5)
            await #expect(throws: Self.incorrect) { try await cognate.signIn(client, "locky", Self.wrong) }
            cognate.clock.advance(by: 1.5)
            await #expect(throws: Self.locked) { try await cognate.signIn(client, "locky", Self.password) }
            cognate.clock.advance(by: 1)
            #expect(try await cognate.signIn(client, "locky", Self.password).idToken != nil)
        }
    }

    @Test func aSuccessfulSignInClearsTheCount() async throws {
        try await TestCognate.with { cognate in
            let client = try await setUp(cognate)
            for _ in 0..<4 {
                await #expect(throws: Self.incorrect) { try await cognate.signIn(client, "locky", Self.wrong) }
            }
            _ = try await cognate.signIn(client, "locky", Self.password)
            for _ in 0..<4 {
                await #expect(throws: Self.incorrect) { try await cognate.signIn(client, "locky", Self.wrong) }
            }
            #expect(try await cognate.signIn(client, "locky", Self.password).accessToken != nil)
        }
    }
}
