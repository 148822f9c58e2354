import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Testing

@testable import CognateServices

/// The custom-auth functions' answers, read defensively.
@Suite struct ChallengeTriggerTests {
    static let function = "arn:aws:lambda:eu-west-1:1:function:f"

    func pool() -> UserPool {
        var settings = UserPoolSettings()
        var config = LambdaConfigType()
        config.defineAuthChallenge = Self.function
        config.createAuthChallenge = Self.function
        settings.lambdaConfig = config
        return UserPool(
            id: "eu-west-1_Custom", name: "p", arn: "arn", creationDate: Date(), lastModifiedDate: Date(), settings: settings, schema: [], tags: [:])
    }

    let user = User(
        poolID: "eu-west-1_Custom", username: "u", usernameKey: "u", sub: "s", attributes: [], status: "CONFIRMED",
        enabled: true, creationDate: Date(), lastModifiedDate: Date())
    let client = AppClient(poolID: "eu-west-1_Custom", clientID: "c", settings: UserPoolClientType(), secrets: [])

    /// Runs Define with a function that answers `response`.
    func define(_ response: String) async throws -> ChallengeTriggers.Decision {
        let invoker = ScriptedInvoker { _ in .returned(Array(#"{"response": \#(response)}"#.utf8)) }
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        let deps = ServiceDependencies(storage: storage, logger: Logger(label: "test"), functions: invoker)
        let decision: Result<ChallengeTriggers.Decision, CognitoError>
        do {
            decision = .success(
                try await ChallengeTriggers(deps: deps).define(rounds: [], pool: pool(), user: user, client: client, clientMetadata: nil))
        } catch {
            decision = .failure(error)
        }
        try await storage.close()
        return try decision.get()
    }

    @Test func defineDecides() async throws {
        #expect(try await define(#"{"failAuthentication": true, "issueTokens": true}"#) == .fail)
        #expect(try await define(#"{"issueTokens": true}"#) == .issueTokens)
        #expect(try await define(#"{"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false}"#) == .challenge("CUSTOM_CHALLENGE"))
    }

    @Test func defineAnswersThatDecideNothingAreRefused() async throws {
        for response in ["{}", #"{"challengeName": 7}"#, #"{"issueTokens": "yes"}"#, #"{"challengeName": ""}"#] {
            await #expect(throws: Triggers.unrecognizable) { try await define(response) }
        }
    }

    @Test func challengeParametersMustBeStringMaps() {
        #expect(throws: Triggers.unrecognizable) { try Triggers.strings(["p": .object(["a": .number(1)])], "p") }
        #expect(throws: Triggers.unrecognizable) { try Triggers.strings(["p": .array([])], "p") }
        #expect((try? Triggers.strings(["p": .object(["a": .string("b")])], "p")) == ["a": "b"])
        #expect((try? Triggers.strings(["p": .null], "p")) == .some(nil))
        #expect(throws: Triggers.unrecognizable) { try Triggers.list(["l": .array([.string("a"), .bool(true)])], "l") }
    }

    @Test func roundsAreAWSsSessionEntries() {
        let round = ChallengeTriggers.Round(challengeName: "SRP_A", challengeResult: true)
        #expect(round.json == .object(["challengeName": .string("SRP_A"), "challengeResult": .bool(true), "challengeMetadata": .null]))
    }
}
