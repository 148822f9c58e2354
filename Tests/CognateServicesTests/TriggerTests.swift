import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import CognateServices

/// A stand-in for Lambda: answers what the test gives, and keeps the events it was sent.
final class ScriptedInvoker: FunctionInvoker, Sendable {
    let answer: @Sendable ([UInt8]) -> InvocationResult
    private let sent = Mutex<[[UInt8]]>([])

    init(_ answer: @escaping @Sendable ([UInt8]) -> InvocationResult) { self.answer = answer }

    var events: [[String: Any]] {
        sent.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any] ?? [:] }
    }

    func invoke(function: String, payload: [UInt8], asynchronous: Bool) async -> InvocationResult {
        sent.withLock { $0.append(payload) }
        return answer(payload)
    }
}

/// Trigger answers read defensively, and AWS's error texts.
@Suite struct TriggerTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func responsesThatAreNotTheEventAreRefused() {
        #expect(throws: Triggers.unrecognizable) { try Triggers.response(Self.bytes(#""ok""#)) }
        #expect(throws: Triggers.unrecognizable) { try Triggers.response(Self.bytes("[]")) }
        #expect(throws: Triggers.unrecognizable) { try Triggers.response(Self.bytes(#"{"response": 3}"#)) }
        #expect(throws: Triggers.unrecognizable) { try Triggers.response(Self.bytes(String(repeating: "[", count: 50_000))) }
        #expect(throws: Triggers.unrecognizable) { try Triggers.response([UInt8](repeating: 0x20, count: Triggers.maxAnswer + 1)) }
        #expect(throws: Triggers.unrecognizable) { try Triggers.flag(["autoConfirmUser": .string("true")], "autoConfirmUser") }
        #expect((try? Triggers.response(Self.bytes(#"{"response": null}"#))) == [:])
        #expect((try? Triggers.flag(["autoConfirmUser": .bool(true)], "autoConfirmUser")) == true)
        #expect((try? Triggers.flag(["autoConfirmUser": .null], "autoConfirmUser")) == false)
    }

    func deps(_ invoker: ScriptedInvoker) async throws -> (ServiceDependencies, SQLStorage) {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        return (ServiceDependencies(storage: storage, logger: Logger(label: "test"), functions: invoker), storage)
    }

    func pool(preSignUp: String) -> UserPool {
        var settings = UserPoolSettings()
        var config = LambdaConfigType()
        config.preSignUp = preSignUp
        settings.lambdaConfig = config
        return UserPool(
            id: "eu-west-1_Triggers", name: "p", arn: "arn", creationDate: Date(), lastModifiedDate: Date(), settings: settings, schema: [], tags: [:]
        )
    }

    @Test func errorsAreAWSs() async throws {
        for (answer, code, message) in [
            (InvocationResult.functionError("Not allowed."), ErrorCode.userLambdaValidationException, "PreSignUp failed with error Not allowed.."),
            (
                .invocationFailed("AccessDeniedException"), .unexpectedLambdaException,
                "PreSignUp invocation failed due to error AccessDeniedException."
            ),
            (.returned(Self.bytes("null")), .invalidLambdaResponseException, "Unrecognizable lambda output"),
        ] {
            let (deps, storage) = try await deps(ScriptedInvoker { _ in answer })
            do {
                _ = try await SignUpTriggers(deps: deps).preSignUp(
                    source: "PreSignUp_SignUp", pool: pool(preSignUp: "arn:aws:lambda:eu-west-1:1:function:f"), userName: "u", clientID: "c",
                    attributes: [], validationData: nil, clientMetadata: nil)
                Issue.record("no error for \(answer)")
            } catch {
                #expect(error.code == code && error.message == message)
            }
            try await storage.close()
        }
    }

    @Test func theEventIsAWSs() async throws {
        let invoker = ScriptedInvoker { payload in
            var answered = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? [:]
            answered["response"] = ["autoConfirmUser": true]
            return .returned(Array(try! JSONSerialization.data(withJSONObject: answered)))
        }
        let (deps, storage) = try await deps(invoker)
        let decision = try await SignUpTriggers(deps: deps).preSignUp(
            source: "PreSignUp_AdminCreateUser", pool: pool(preSignUp: "arn:aws:lambda:eu-west-1:1:function:f"), userName: "bob", clientID: nil,
            attributes: [AttributeType(name: "email", value: "b@example.com")], validationData: nil, clientMetadata: ["k": "v"])
        #expect(decision.autoConfirmUser && !decision.autoVerifyEmail)
        let event = try #require(invoker.events.first)
        #expect(event["version"] as? String == "1" && event["region"] as? String == "eu-west-1" && event["userName"] as? String == "bob")
        #expect((event["callerContext"] as? [String: String])?["clientId"] == "CLIENT_ID_NOT_APPLICABLE")
        let request = try #require(event["request"] as? [String: Any])
        #expect(request["validationData"] == nil)  // none given: the key is left out
        #expect((request["clientMetadata"] as? [String: String]) == ["k": "v"])
        #expect((request["userAttributes"] as? [String: String]) == ["email": "b@example.com"])
        try await storage.close()
    }
}
