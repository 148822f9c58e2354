import CognateServices
import CognitoModel
import Foundation
import Synchronization

/// Lambda triggers in-process: every invocation is recorded (function and event), and answered by
/// `answer` (by default, the event back unchanged, as a trigger that changes nothing returns it).
public final class RecordingFunctions: FunctionInvoker {
    public struct Invocation: Sendable {
        public var function: String
        public var event: JSONValue
        public var asynchronous: Bool
        /// The event's `triggerSource`.
        public var triggerSource: String? { event[member: "triggerSource"]?.text }
    }

    private let state = Mutex<(invocations: [Invocation], answer: @Sendable (String, [UInt8]) -> InvocationResult)>(
        ([], { _, payload in .returned(payload) }))

    public init() {}

    /// What the functions answer from now on, given the function's ARN and the event's JSON.
    public func answer(_ handler: @escaping @Sendable (_ function: String, _ event: [UInt8]) -> InvocationResult) {
        state.withLock { $0.answer = handler }
    }

    public var invocations: [Invocation] { state.withLock { $0.invocations } }

    public func invoke(function: String, payload: [UInt8], asynchronous: Bool) async -> InvocationResult {
        let event = (try? JSONDecoder().decode(JSONValue.self, from: Data(payload))) ?? .null
        return state.withLock { state in
            state.invocations.append(Invocation(function: function, event: event, asynchronous: asynchronous))
            return state.answer(function, payload)
        }
    }
}

extension JSONValue {
    /// The member of an object; nil for anything else.
    public subscript(member name: String) -> JSONValue? {
        if case .object(let members) = self { return members[name] }
        return nil
    }

    /// The text of a string value.
    public var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
