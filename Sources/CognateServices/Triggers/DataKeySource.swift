/// Where Cognate gets the data keys that encrypt the codes it hands to CustomEmailSender and
/// CustomSMSSender functions: KMS's GenerateDataKey under the pool's `KMSKeyID` (`KMSClient` in
/// CognateLambda), or a test's stand-in.
public protocol DataKeySource: Sendable {
    /// A new 256-bit data key, in plaintext and encrypted under `keyID` with `context` bound to it.
    func generateDataKey(keyID: String, context: [String: String]) async throws -> GeneratedDataKey
}

public struct GeneratedDataKey: Sendable, Equatable {
    public var plaintext: [UInt8]
    public var ciphertext: [UInt8]
    /// The key's ARN, as KMS names it in its answer.
    public var keyARN: String

    public init(plaintext: [UInt8], ciphertext: [UInt8], keyARN: String) {
        self.plaintext = plaintext
        self.ciphertext = ciphertext
        self.keyARN = keyARN
    }
}

/// Why a data key could not be had.
public struct DataKeyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
