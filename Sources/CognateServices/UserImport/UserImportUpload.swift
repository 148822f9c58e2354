import CognateStorage
import CognitoModel
import Crypto
import Foundation
import Logging
import Synchronization

/// A PUT of a job's CSV file to its pre-signed URL, answered as S3 answers one: the URL checked first
/// (`UserImportUploadURL`), then the job (only a job that has not started takes a file), then the body,
/// streamed into storage a chunk at a time. A later complete upload replaces an earlier one; an upload cut
/// short leaves the job as it was.
public struct UserImportUpload: Sendable {
    static let chunkBytes = 1 << 20

    let deps: ServiceDependencies
    public init(_ deps: ServiceDependencies) { self.deps = deps }

    /// S3's answer to a refused request.
    public struct Refusal: Error, Sendable, Equatable {
        public var status: Int
        public var code: String
        public var message: String
        public init(status: Int, code: String, message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    /// What a stored upload answers: its MD5 (S3's ETag for a single PUT).
    public struct Stored: Sendable {
        public var etag: String
    }

    /// Checks the URL, the job and the declared length; nil when the body may follow.
    public func admit(poolID: String, jobID: String, query: String, host: String?, encryption: String?, contentLength: String?) async throws
        -> Refusal?
    {
        let url = UserImportUploadURL(key: deps.configuration.simulationKey, publicBaseURL: deps.configuration.publicBaseURL)
        switch url.check(poolID: poolID, jobID: jobID, query: query, host: host, encryption: encryption, now: deps.clock.now()) {
        case .missingParameters?:
            return Refusal(
                status: 400, code: "AuthorizationQueryParametersError",
                message:
                    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
            )
        case .unsupportedAlgorithm?:
            return Refusal(status: 400, code: "AuthorizationQueryParametersError", message: "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        case .invalidAccessKey?:
            return Refusal(status: 403, code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records.")
        case .signatureMismatch?:
            return Refusal(
                status: 403, code: "SignatureDoesNotMatch",
                message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
        case .expired?:
            return Refusal(status: 403, code: "AccessDenied", message: "Request has expired")
        case nil:
            break
        }
        guard let job = try await StorageError.ifPresent({ try await deps.storage.userImportJob(poolID: poolID, id: jobID) }),
            try await UserImportJobs(deps).settled(job).status == .created
        else { return Refusal(status: 403, code: "AccessDenied", message: "Access Denied") }
        guard let contentLength else {
            return Refusal(status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header.")
        }
        guard let length = Int(contentLength), length >= 0 else {
            return Refusal(status: 400, code: "InvalidArgument", message: "Content-Length must be a number of bytes.")
        }
        if length > UserImportJobs.maxFileBytes {
            return Refusal(status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size")
        }
        return nil
    }

    /// The upload a new one replaced, as the job's update saw it.
    private final class Replaced: Sendable {
        let upload = Mutex<String?>(nil)
    }

    /// Stores the body (as admitted: `length` bytes) as the job's file.
    public func store<Body: AsyncSequence>(poolID: String, jobID: String, length: Int, body: Body) async throws -> Stored
    where Body.Element: Collection, Body.Element.Element == UInt8 {
        let upload = deps.random.string(16, from: Alphabets.alphanumeric)
        var md5 = Insecure.MD5()
        var pending: [UInt8] = []
        pending.reserveCapacity(Self.chunkBytes)
        var chunks = 0
        var size = 0
        do {
            for try await piece in body {
                size += piece.count
                guard size <= length else { throw Refusal(status: 400, code: "IncompleteBody", message: "The body is longer than Content-Length.") }
                md5.update(data: Array(piece))
                pending.append(contentsOf: piece)
                while pending.count >= Self.chunkBytes {
                    try await deps.storage.putUserImportChunk(
                        poolID: poolID, id: jobID, upload: upload, index: chunks, bytes: Data(pending.prefix(Self.chunkBytes)))
                    pending.removeFirst(Self.chunkBytes)
                    chunks += 1
                }
            }
            guard size == length else {
                throw Refusal(
                    status: 400, code: "IncompleteBody",
                    message: "You did not provide the number of bytes specified by the Content-Length HTTP header")
            }
            if !pending.isEmpty {
                try await deps.storage.putUserImportChunk(poolID: poolID, id: jobID, upload: upload, index: chunks, bytes: Data(pending))
                chunks += 1
            }
            let file = UserImportJob.File(uploadID: upload, size: Int64(size), chunks: chunks)
            let replaced = Replaced()
            try await deps.storage.updateUserImportJob(poolID: poolID, id: jobID) { job in
                guard job.status == .created else { throw Refusal(status: 403, code: "AccessDenied", message: "Access Denied") }
                replaced.upload.withLock { $0 = job.file?.uploadID }
                job.file = file
            }
            if let earlier = replaced.upload.withLock({ $0 }) {
                try await deps.storage.deleteUserImportChunks(poolID: poolID, id: jobID, upload: earlier)
            }
        } catch {
            // This upload's chunks go; the file stored before it stays the job's.
            do {
                try await deps.storage.deleteUserImportChunks(poolID: poolID, id: jobID, upload: upload)
            } catch let cleanup {
                deps.logger.warning("user import: the chunks of an incomplete upload could not be removed", metadata: ["error": "\(cleanup)"])
            }
            throw error
        }
        return Stored(etag: "\"" + md5.finalize().map { String(format: "%02x", $0) }.joined() + "\"")
    }
}
