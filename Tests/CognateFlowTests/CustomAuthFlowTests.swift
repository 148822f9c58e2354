import CognateCrypto
import CognateServices
import CognateTesting
import CognitoModel
import Foundation
import Testing

/// CUSTOM_AUTH with DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse answered
/// in-process: a passwordless code with a retry and a new Session each round, failing after three wrong
/// answers, SRP before the custom challenge, and the client and pool checks.
@Suite struct CustomAuthFlowTests {
    static let function = "arn:aws:lambda:us-east-1:000000000000:function:challenges"
    static let password = "Str0ng-Passw0rd!"

    /// The three triggers as AWS's passwordless sample has them: the code of a round is "10000" followed by
    /// the round; three wrong answers fail; a flow begun with SRP_A verifies the password first.
    static func challenges(_ function: String, _ payload: [UInt8]) -> InvocationResult {
        guard var event = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any],
            let request = event["request"] as? [String: Any], var response = event["response"] as? [String: Any]
        else { return .functionError("not an event") }
        let session = request["session"] as? [[String: Any]] ?? []
        switch event["triggerSource"] as? String {
        case "DefineAuthChallenge_Authentication":
            let wrong = session.filter { $0["challengeName"] as? String == "CUSTOM_CHALLENGE" && $0["challengeResult"] as? Bool == false }
            let last = session.last
            if wrong.count >= 3 {
                response["issueTokens"] = false
                response["failAuthentication"] = true
            } else if last?["challengeName"] as? String == "CUSTOM_CHALLENGE", last?["challengeResult"] as? Bool == true {
                response["issueTokens"] = true
                response["failAuthentication"] = false
            } else if last?["challengeName"] as? String == "SRP_A" {
                response["challengeName"] = "PASSWORD_VERIFIER"
                response["issueTokens"] = false
                response["failAuthentication"] = false
            } else {
                response["challengeName"] = "CUSTOM_CHALLENGE"
                response["issueTokens"] = false
                response["failAuthentication"] = false
            }
        case "CreateAuthChallenge_Authentication":
            let attributes = request["userAttributes"] as? [String: String] ?? [:]
            response["publicChallengeParameters"] = ["email": attributes["email"] ?? "", "round": String(session.count)]
            response["privateChallengeParameters"] = ["answer": "10000\(session.count)"]
            response["challengeMetadata"] = "CODE-\(session.count)"
        case "VerifyAuthChallengeResponse_Authentication":
            let expected = (request["privateChallengeParameters"] as? [String: String])?["answer"]
            response["answerCorrect"] = request["challengeAnswer"] as? String == expected
        default:
            break
        }
        event["response"] = response
        return .returned(Array((try? JSONSerialization.data(withJSONObject: event)) ?? Data()))
    }

    func customPool(_ cognate: TestCognate, flows: [ExplicitAuthFlowsType] = [.allowCustomAuth, .allowRefreshTokenAuth]) async throws
        -> TestCognate.Client
    {
        cognate.functions.answer(Self.challenges)
        let pool = try await cognate.pool {
            $0.lambdaConfig = LambdaConfigType(
                defineAuthChallenge: Self.function, createAuthChallenge: Self.function, verifyAuthChallengeResponse: Self.function)
        }
        let client = try await cognate.client(pool, flows: flows)
        try await cognate.confirmedUser(pool, "nina", password: Self.password, email: "nina@example.com")
        return client
    }

    func answer(_ cognate: TestCognate, _ client: TestCognate.Client, _ session: String?, _ value: String) async throws
        -> RespondToAuthChallengeResponse
    {
        try await cognate.respond(client, .customChallenge, session: session, "nina", ["ANSWER": value])
    }

    @Test func aPasswordlessCodeWithARetry() async throws {
        try await TestCognate.with { cognate in
            let client = try await customPool(cognate)
            let first = try await cognate.initiate(client, .customAuth, "nina")
            #expect(first.challengeName == .customChallenge)
            #expect(first.challengeParameters == ["email": "nina@example.com", "round": "0", "USERNAME": "nina"])
            let second = try await answer(cognate, client, first.session, "wrong")
            #expect(second.challengeName == .customChallenge)
            #expect(second.session != first.session)
            #expect(second.challengeParameters?["round"] == "1")
            // The used Session is gone.
            await #expect(throws: CognitoError.self) { try await answer(cognate, client, first.session, "100000") }
            let done = try await answer(cognate, client, second.session, "100001")
            let tokens = try #require(done.authenticationResult)
            #expect(tokens.accessToken != nil && tokens.idToken != nil && tokens.refreshToken != nil)
            #expect(
                cognate.functions.invocations.map(\.triggerSource) == [
                    "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
                    "VerifyAuthChallengeResponse_Authentication", "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
                    "VerifyAuthChallengeResponse_Authentication", "DefineAuthChallenge_Authentication",
                ])
            // The second Define sees the first round, with the metadata Create gave it.
            let define = cognate.functions.invocations[3].event
            guard case .array(let rounds) = define[member: "request"]?[member: "session"] else {
                Issue.record("no session in the event")
                return
            }
            #expect(rounds.count == 1)
            #expect(rounds.first?[member: "challengeMetadata"]?.text == "CODE-0")
            #expect(rounds.first?[member: "challengeResult"] == .bool(false))
        }
    }

    @Test func threeWrongAnswersFailTheSignIn() async throws {
        try await TestCognate.with { cognate in
            let client = try await customPool(cognate)
            var session = try await cognate.initiate(client, .customAuth, "nina").session
            for _ in 0..<2 {
                session = try await answer(cognate, client, session, "wrong").session
            }
            await #expect(throws: CognitoError(.notAuthorizedException, "Incorrect username or password.")) {
                try await answer(cognate, client, session, "wrong")
            }
        }
    }

    @Test func srpBeforeTheCustomChallenge() async throws {
        try await TestCognate.with { cognate in
            let client = try await customPool(cognate)
            let srp = SRPClient(secret: cognate.random.bytes(32))
            let started = try await cognate.initiate(client, .customAuth, "nina", ["SRP_A": srp.publicHex, "CHALLENGE_NAME": "SRP_A"])
            #expect(started.challengeName == .passwordVerifier)
            let parameters = started.challengeParameters ?? [:]
            let timestamp = SRPTimestamp.format(cognate.clock.now())
            let signature = srp.claimSignature(
                poolID: client.poolID, userID: parameters["USER_ID_FOR_SRP"] ?? "", password: Self.password, saltHex: parameters["SALT"] ?? "",
                serverPublicHex: parameters["SRP_B"] ?? "", secretBlock: parameters["SECRET_BLOCK"] ?? "", timestamp: timestamp)
            let custom = try await cognate.respond(
                client, .passwordVerifier, session: started.session, parameters["USER_ID_FOR_SRP"] ?? "",
                ["PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"] ?? "", "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp])
            #expect(custom.challengeName == .customChallenge)
            let round = custom.challengeParameters?["round"] ?? ""
            let done = try await answer(cognate, client, custom.session, "10000\(round)")
            #expect(done.authenticationResult?.accessToken != nil)
        }
    }

    @Test func theClientAndThePoolMustAllowCustomAuth() async throws {
        try await TestCognate.with { cognate in
            let client = try await customPool(cognate, flows: [.allowUserPasswordAuth])
            await #expect(throws: CognitoError(.invalidParameterException, "CUSTOM_AUTH flow not enabled for this client")) {
                try await cognate.initiate(client, .customAuth, "nina")
            }
            let bare = try await cognate.pool("bare")
            let bareClient = try await cognate.client(bare, flows: [.allowCustomAuth])
            try await cognate.confirmedUser(bare, "nina", password: Self.password)
            await #expect(throws: CognitoError(.invalidParameterException, "Custom auth lambda trigger is not configured for the user pool.")) {
                try await cognate.initiate(bareClient, .customAuth, "nina")
            }
        }
    }

    @Test func aDefineAnswerThatNamesNoStepIsTheFunctionsFault() async throws {
        try await TestCognate.with { cognate in
            let client = try await customPool(cognate)
            cognate.functions.answer { _, payload in
                guard var event = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else { return .functionError("bad") }
                event["response"] = ["challengeName": "NO_SUCH_STEP", "issueTokens": false, "failAuthentication": false]
                return .returned(Array((try? JSONSerialization.data(withJSONObject: event)) ?? Data()))
            }
            do {
                _ = try await cognate.initiate(client, .customAuth, "nina")
                Issue.record("the sign-in went on")
            } catch let error as CognitoError {
                #expect(error.code == .invalidLambdaResponseException)
            }
        }
    }
}
