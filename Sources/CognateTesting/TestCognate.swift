import CognateSQL
import CognateSQLite
import CognateServices
import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import Logging

/// Cognate in-process, for tests that run in milliseconds: in-memory storage, a clock that moves only
/// when the test moves it, seeded randomness, and Lambda and HTTP clients that record what they are asked.
/// Operations are called through the same decode → constraint check → handle → encode path as the HTTP
/// endpoint (`OperationTable`), so a test sees what a client would, as typed values.
///
/// ```swift
/// try await TestCognate.with { cognate in
///     let pool = try await cognate.pool()
///     let client = try await cognate.client(pool, flows: [.allowUserPasswordAuth])
///     try await cognate.confirmedUser(pool, "alice", password: "Passw0rd!")
///     let tokens = try await cognate.signIn(client, "alice", "Passw0rd!")
/// }
/// ```
public struct TestCognate: Sendable {
    public let storage: SQLStorage
    public let clock: ManualClock
    public let random: SeededRandom
    public let functions: RecordingFunctions
    public let web: RecordingWebClient
    public let dependencies: ServiceDependencies
    public let table: OperationTable
    public static let region = "us-east-1"

    public static func start(
        seed: UInt64 = 1, geoIP: (any GeoLocator)? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) async throws -> TestCognate {
        let logger = Logger(label: "cognate-test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let clock = ManualClock()
        let random = SeededRandom(seed: seed)
        let functions = RecordingFunctions()
        let web = RecordingWebClient()
        var configuration = ServiceConfiguration()
        configuration.defaultRegion = region
        configure(&configuration)
        let dependencies = ServiceDependencies(
            storage: storage, clock: clock, random: random, configuration: configuration, logger: logger, functions: functions, web: web,
            geoIP: geoIP)
        return TestCognate(
            storage: storage, clock: clock, random: random, functions: functions, web: web, dependencies: dependencies,
            table: Services.operationTable(dependencies))
    }

    public func close() async throws {
        try await storage.close()
    }

    /// Runs `body` with a fresh Cognate, closed afterwards whatever happens.
    public static func with<T>(
        seed: UInt64 = 1, geoIP: (any GeoLocator)? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: (TestCognate) async throws -> T
    ) async throws -> T {
        let cognate = try await start(seed: seed, geoIP: geoIP, configure: configure)
        let result: T
        do {
            result = try await body(cognate)
        } catch {
            try? await cognate.close()
            throw error
        }
        try await cognate.close()
        return result
    }

    /// Calls an operation with a typed input, as an SDK would; an error answer is thrown as the
    /// `CognitoError` a client reads (`__type` and message).
    /// - Parameter iamAuthorized: whether the call carries IAM credentials (the Admin operations' callers).
    @discardableResult
    public func call<Op: OperationShape>(
        _ operation: Op.Type, _ input: Op.Input, iamAuthorized: Bool = true
    ) async throws -> Op.Output where Op.Input: WireEncodable, Op.Output: Decodable {
        let response = await send(Op.operation.rawValue, body: JSONWriter.encode(input), iamAuthorized: iamAuthorized)
        if response.status != 200 {
            throw ResponseDecoder.error(from: response.body) ?? CognitoError(.internalErrorException, "status \(response.status)")
        }
        return try ResponseDecoder.decode(Op.Output.self, from: response.body)
    }

    /// Sends a raw body to an operation (by its name, as in `X-Amz-Target`): for malformed input.
    public func send(_ operation: String, body: [UInt8], iamAuthorized: Bool = true) async -> WireResponse {
        let context = OperationContext(region: Self.region, requestID: random.uuid(), iamAuthorized: iamAuthorized)
        return await table.dispatch(
            target: "AWSCognitoIdentityProviderService.\(operation)", body: Data(body), context: context, logger: dependencies.logger)
    }

    /// The messages Cognate sent to an email address or phone number, oldest first.
    public func messages(to recipient: String) async throws -> [OutboxMessage] {
        try await storage.listMessages(poolID: nil, recipient: recipient)
    }

    /// The code in the newest message to `recipient`.
    public func lastCode(to recipient: String) async throws -> String {
        guard let code = try await messages(to: recipient).last?.code else {
            throw CognitoError(.internalErrorException, "no message with a code was sent to \(recipient)")
        }
        return code
    }
}
