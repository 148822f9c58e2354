import AsyncHTTPClient
import CognateServices
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// KMS's GenerateDataKey (the AWS JSON 1.1 protocol, SigV4 with the service name `kms`), for the data keys
/// of custom-sender messages. Every call goes to `endpoint` when one is set (`--kms-endpoint`), else to
/// the KMS endpoint of the key ARN's region.
public struct KMSClient: DataKeySource {
    let endpoint: URL?
    let credentials: AWSCredentials
    let timeout: TimeAmount
    let client: HTTPClient
    let logger: Logger

    public init(
        endpoint: URL?, timeout: TimeAmount = .seconds(5), logger: Logger,
        credentials: AWSCredentials = .placeholder
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self.client = HTTPClient.shared
        self.logger = logger
    }

    /// The region of `arn:aws:kms:<region>:<account>:key/<id>`, else the default one.
    static func region(of keyID: String, default fallback: String) -> String {
        let parts = keyID.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 && parts[0] == "arn" && !parts[3].isEmpty ? String(parts[3]) : fallback
    }

    public func generateDataKey(keyID: String, context: [String: String]) async throws -> GeneratedDataKey {
        // Only a key's ARN in AWS's own form reaches a URL: its region names the host.
        guard AWSARN.isKey(keyID) else { throw DataKeyError("\(keyID.prefix(256)) is not the ARN of a KMS key") }
        let region = Self.region(of: keyID, default: "us-east-1")
        guard let base = endpoint ?? URL(string: "https://kms.\(region).amazonaws.com"), let host = base.host else {
            throw DataKeyError("no KMS endpoint for \(keyID)")
        }
        let authority = base.port.map { "\(host):\($0)" } ?? host
        let path = base.path.isEmpty ? "/" : base.path
        let body = Array(
            try JSONSerialization.data(
                withJSONObject: [
                    "KeyId": keyID, "NumberOfBytes": 32, "EncryptionContext": context,
                ], options: [.sortedKeys]))
        var request = HTTPClientRequest(url: (base.scheme ?? "https") + "://" + authority + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-amz-json-1.1")
        request.headers.add(name: "X-Amz-Target", value: "TrentService.GenerateDataKey")
        let signer = SigV4Signer(credentials: credentials, service: "kms")
        for (name, value) in signer.headers(method: "POST", host: authority, path: path, region: region, body: body, date: Date()) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: timeout, logger: logger)
        let answer = Array(try await response.body.collect(upTo: 64 * 1024).readableBytesView)
        guard response.status == .ok else {
            throw DataKeyError("KMS answered \(response.status.code): \(String(decoding: answer.prefix(512), as: UTF8.self))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
            let plaintext = (object["Plaintext"] as? String).flatMap({ Data(base64Encoded: $0) }),
            let ciphertext = (object["CiphertextBlob"] as? String).flatMap({ Data(base64Encoded: $0) }),
            plaintext.count == 32
        else { throw DataKeyError("KMS's GenerateDataKey answer could not be read") }
        return GeneratedDataKey(plaintext: Array(plaintext), ciphertext: Array(ciphertext), keyARN: object["KeyId"] as? String ?? keyID)
    }
}
