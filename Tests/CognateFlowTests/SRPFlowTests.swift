import CognateTesting
import CognitoModel
import Testing

/// USER_SRP_AUTH in-process: the two steps an SDK makes, with a real SRP-6a client.
@Suite struct SRPFlowTests {
    @Test func theRightPasswordSignsInThroughBothSteps() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            let answer = try await cognate.signInWithSRP(client, "alice", "Passw0rd!")
            #expect(answer.challengeName == nil)
            #expect(JWTClaims.of(answer.authenticationResult?.accessToken)[member: "username"]?.text == "alice")
        }
    }

    @Test func theVerifierChallengeCarriesWhatAClientNeeds() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            let started = try await cognate.initiate(
                client, .userSrpAuth, "alice", ["SRP_A": SRPClient(secret: Array(repeating: 7, count: 32)).publicHex])
            #expect(started.challengeName == .passwordVerifier)
            let parameters = started.challengeParameters ?? [:]
            #expect(Set(parameters.keys) == ["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"])
            // As in Cognito, the verifier challenge comes without a session: the answer names its SECRET_BLOCK.
            #expect(started.session == nil)
        }
    }

    @Test func aWrongPasswordFailsAtTheProof() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await cognate.signInWithSRP(client, "alice", "Wrong-Passw0rd!")
            }
        }
    }

    @Test func aDegenerateClientValueIsRefused() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            await #expect(throws: CognitoError.self) {
                try await cognate.initiate(client, .userSrpAuth, "alice", ["SRP_A": "0"])
            }
        }
    }

    @Test func aSessionIsUsedOnce() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
            let srp = SRPClient(secret: Array(repeating: 9, count: 32))
            let started = try await cognate.initiate(client, .userSrpAuth, "alice", ["SRP_A": srp.publicHex])
            let parameters = started.challengeParameters ?? [:]
            let timestamp = "Thu Jan 1 00:00:00 UTC 2026"
            let signature = srp.claimSignature(
                poolID: pool, userID: parameters["USER_ID_FOR_SRP"]!, password: "Passw0rd!", saltHex: parameters["SALT"]!,
                serverPublicHex: parameters["SRP_B"]!, secretBlock: parameters["SECRET_BLOCK"]!, timestamp: timestamp)
            let responses = [
                "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"]!, "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp,
            ]
            let first = try await cognate.respond(client, .passwordVerifier, session: started.session, "alice", responses)
            #expect(first.authenticationResult != nil)
            await #expect(throws: CognitoError.self) {
                try await cognate.respond(client, .passwordVerifier, session: started.session, "alice", responses)
            }
        }
    }
}
