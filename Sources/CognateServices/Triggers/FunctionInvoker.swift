/// How Cognate calls a pool's Lambda functions: through the Lambda Invoke API of an endpoint
/// (`LambdaInvoker` in CognateLambda), or a test's stand-in.
public protocol FunctionInvoker: Sendable {
    /// Calls `function` (an ARN from the pool's LambdaConfig) with `payload`, the event's JSON. A
    /// synchronous call answers what the function returned; an asynchronous one (invocation type
    /// `Event`) answers once Lambda accepted it.
    func invoke(function: String, payload: [UInt8], asynchronous: Bool) async -> InvocationResult
}

/// Lambda's limits that both sides of an invocation keep.
public enum LambdaLimits {
    /// The largest answer of a synchronous invocation (Lambda's own limit): a longer one is not read.
    public static let maxSynchronousAnswer = 6 * 1024 * 1024
}

/// What an invocation came to.
public enum InvocationResult: Sendable, Equatable {
    /// The function ran and returned this body.
    case returned([UInt8])
    /// The function raised an error (the answer carried `X-Amz-Function-Error`): its `errorMessage`.
    case functionError(String)
    /// Lambda could not run the function: its error code (`x-amzn-ErrorType`, such as
    /// `ResourceNotFoundException`), or why it could not be reached ("Socket timeout while invoking Lambda function").
    case invocationFailed(String)
}

/// Without an invoker every trigger fails as an unreachable function does, never silently.
struct UnavailableInvoker: FunctionInvoker {
    func invoke(function: String, payload: [UInt8], asynchronous: Bool) async -> InvocationResult {
        .invocationFailed("ServiceException")
    }
}
