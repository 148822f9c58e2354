import CognateSQL
import CognateSQLite
import CognateStorage
import Crypto
import Foundation
import Logging
import Testing

@testable import CognateServices

/// The parts of user import: the pre-signed URL's signing and checking, AWS's CSV value form, and reading a
/// stored file line by line across its chunks.
@Suite struct UserImportPartsTests {
    let key = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func parts(_ url: String) -> (query: String, host: String) {
        let components = URLComponents(string: url)!
        return (components.percentEncodedQuery!, components.host! + (components.port.map { ":\($0)" } ?? ""))
    }

    @Test func theURLIsCheckedAsS3ChecksAPresignedPut() throws {
        let signer = UserImportUploadURL(key: key, publicBaseURL: "http://127.0.0.1:9229")
        let url = signer.url(poolID: "us-east-1_Pool1", jobID: "import-abc", region: "us-east-1", now: now)
        #expect(url.hasPrefix("http://127.0.0.1:9229/_cognate/user-import/us-east-1_Pool1/import-abc?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        let (query, host) = parts(url)
        func check(
            pool: String = "us-east-1_Pool1", job: String = "import-abc", query: String = query, host: String? = host,
            encryption: String? = "aws:kms", at: Date? = nil
        ) -> UserImportUploadURL.Refusal? {
            signer.check(poolID: pool, jobID: job, query: query, host: host, encryption: encryption, now: at ?? now)
        }
        #expect(check() == nil)
        #expect(check(at: now.addingTimeInterval(899)) == nil)
        #expect(check(at: now.addingTimeInterval(900)) == .expired)
        #expect(check(job: "import-other") == .signatureMismatch)
        #expect(check(host: "evil.example") == .signatureMismatch)
        #expect(check(encryption: "AES256") == .signatureMismatch)
        #expect(check(encryption: nil) == .signatureMismatch)
        #expect(check(query: query.replacingOccurrences(of: "X-Amz-Expires=899", with: "X-Amz-Expires=86400")) == .signatureMismatch)
        #expect(check(query: query.replacingOccurrences(of: "X-Amz-Algorithm=AWS4-HMAC-SHA256&", with: "")) == .missingParameters)
        // Another server's key signs another URL.
        let other = UserImportUploadURL(key: SymmetricKey(size: .bits256), publicBaseURL: "http://127.0.0.1:9229")
        #expect(
            other.check(poolID: "us-east-1_Pool1", jobID: "import-abc", query: query, host: host, encryption: "aws:kms", now: now)
                == .signatureMismatch)
        // Behind a proxy under a path, the public path is the one signed.
        let proxied = UserImportUploadURL(key: key, publicBaseURL: "https://id.example.com/cognito")
        let behind = parts(proxied.url(poolID: "us-east-1_Pool1", jobID: "import-abc", region: "us-east-1", now: now))
        #expect(behind.host == "id.example.com")
        #expect(
            proxied.check(
                poolID: "us-east-1_Pool1", jobID: "import-abc", query: behind.query, host: "id.example.com", encryption: "aws:kms", now: now) == nil)
    }

    @Test func valuesAreUnquotedWithEscapedCommasAndTrimmed() {
        #expect(UserImportCSV.fields("a, b ,c") == ["a", "b", "c"])
        #expect(UserImportCSV.fields(#"Smith\, John,x"#) == ["Smith, John", "x"])
        #expect(UserImportCSV.fields(#"back\slash,end\"#) == [#"back\slash"#, #"end\"#])
        #expect(UserImportCSV.fields(",,") == ["", "", ""])
        #expect(UserImportCSV.fields(#""quoted",x"#) == [#""quoted""#, "x"])
    }

    @Test func aStoredFileIsReadLineByLineAcrossItsChunks() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            try await readAcrossChunks(storage)
        } catch {
            try? await storage.close()
            throw error
        }
        try await storage.close()
    }

    func readAcrossChunks(_ storage: SQLStorage) async throws {
        try await storage.createUserPool(
            UserPool(
                id: "us-east-1_Pool1", name: "p", arn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Pool1", creationDate: now,
                lastModifiedDate: now, settings: UserPoolSettings(), schema: [], tags: [:]))
        let job = UserImportJob(
            poolID: "us-east-1_Pool1", id: "import-a", name: "a", roleARN: "arn:aws:iam::1:role/r", passwordHashingAlgorithm: nil, preSignedURL: "",
            creationDate: now)
        try await storage.createUserImportJob(job)
        let long = String(repeating: "x", count: UserImportFileReader.maxLineBytes + 10)
        let text = "header\r\nfirst line\nsecond\n\n" + long + "\nlast without newline"
        let bytes = Array(text.utf8)
        // Chunks of 7 bytes: every line crosses a chunk's end somewhere.
        var chunks = 0
        for start in stride(from: 0, to: bytes.count, by: 7) {
            try await storage.putUserImportChunk(
                poolID: job.poolID, id: job.id, upload: "u", index: chunks, bytes: Data(bytes[start..<min(start + 7, bytes.count)]))
            chunks += 1
        }
        let file = UserImportJob.File(uploadID: "u", size: Int64(bytes.count), chunks: chunks)
        var reader = UserImportFileReader(storage: storage, job: job, file: file, from: (0, 0))
        var lines: [String] = []
        var resumeAt: (chunk: Int, offset: Int)?
        while let line = try await reader.next() {
            switch line {
            case .text(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
            case .overlong: lines.append("<overlong>")
            }
            if lines.count == 2 { resumeAt = reader.position }
        }
        #expect(lines == ["header", "first line", "second", "", "<overlong>", "last without newline"])
        // A reader started where another stopped goes on from there.
        var resumed = UserImportFileReader(storage: storage, job: job, file: file, from: try #require(resumeAt))
        guard case .text(let next)? = try await resumed.next() else {
            Issue.record("no line")
            return
        }
        #expect(String(decoding: next, as: UTF8.self) == "second")
    }
}
