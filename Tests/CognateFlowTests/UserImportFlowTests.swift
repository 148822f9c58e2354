import CognateServices
import CognateStorage
import CognateTesting
import CognitoModel
import Foundation
import Testing

/// User import jobs in process: a file uploaded through the upload's streaming path, imported by the runner in
/// batches, and a job left by a node that went away taken over from its last batch.
@Suite struct UserImportFlowTests {
    func importPool(_ cognate: TestCognate) async throws -> String {
        try await cognate.pool { $0.autoVerifiedAttributes = [.email] }
    }

    func file(_ cognate: TestCognate, pool: String, users: Range<Int>) async throws -> String {
        let header = try await cognate.call(Operations.GetCSVHeader.self, GetCSVHeaderRequest(userPoolId: pool)).csvHeader ?? []
        var lines = [header.joined(separator: ",")]
        for index in users {
            let row = [
                "cognito:username": "user\(index)", "cognito:mfa_enabled": "false", "email": "user\(index)@example.com", "email_verified": "true",
            ]
            lines.append(header.map { row[$0] ?? "" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func createJob(_ cognate: TestCognate, pool: String, text: String) async throws -> String {
        let job = try await cognate.call(
            Operations.CreateUserImportJob.self,
            CreateUserImportJobRequest(jobName: "flow", userPoolId: pool, cloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/Import"))
        let id = try #require(job.userImportJob?.jobId)
        // The body arrives in pieces, as an HTTP body does.
        let bytes = Array(text.utf8)
        let pieces = AsyncStream<[UInt8]> { continuation in
            for start in stride(from: 0, to: bytes.count, by: 1000) { continuation.yield(Array(bytes[start..<min(start + 1000, bytes.count)])) }
            continuation.finish()
        }
        _ = try await UserImportUpload(cognate.dependencies).store(poolID: pool, jobID: id, length: bytes.count, body: pieces)
        return id
    }

    func waitForEnd(_ cognate: TestCognate, pool: String, job: String) async throws -> UserImportJobType {
        for _ in 0..<600 {
            let described = try await cognate.call(Operations.DescribeUserImportJob.self, DescribeUserImportJobRequest(userPoolId: pool, jobId: job))
            if let job = described.userImportJob, [.succeeded, .failed, .stopped].contains(job.status) { return job }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CognitoError(.internalErrorException, "the job did not end")
    }

    @Test func aStartedJobImportsEveryLineInBatches() async throws {
        try await TestCognate.with { cognate in
            let pool = try await importPool(cognate)
            let job = try await createJob(cognate, pool: pool, text: try await file(cognate, pool: pool, users: 0..<1234))
            try await cognate.call(Operations.StartUserImportJob.self, StartUserImportJobRequest(userPoolId: pool, jobId: job))
            let done = try await waitForEnd(cognate, pool: pool, job: job)
            #expect(done.status == .succeeded && done.importedUsers == 1234 && done.failedUsers == 0 && done.skippedUsers == 0)
            // Three batches of lines, each its own entry of the log.
            #expect(try await cognate.dependencies.storage.userImportLog(poolID: pool, id: job, after: 0, limit: 10).count == 3)
            let user = try await cognate.dependencies.storage.user(poolID: pool, usernameKey: "user1233")
            #expect(user.status == .resetRequired && user.password == nil && user.attribute("email_verified") == "true")
            #expect(try await cognate.dependencies.storage.countUsers(poolID: pool) == 1234)
            // The file is gone with the job's end.
            await #expect(throws: StorageError.self) {
                _ = try await cognate.dependencies.storage.userImportChunk(poolID: pool, id: job, upload: "", index: 0)
            }
        }
    }

    @Test func aJobLeftMidWayByANodeThatWentAwayIsTakenOverFromItsLastBatch() async throws {
        try await TestCognate.with { cognate in
            let pool = try await importPool(cognate)
            let job = try await createJob(cognate, pool: pool, text: try await file(cognate, pool: pool, users: 0..<1200))
            try await cognate.call(Operations.StartUserImportJob.self, StartUserImportJobRequest(userPoolId: pool, jobId: job))
            _ = try await waitForEnd(cognate, pool: pool, job: job)
            // A second job whose first 500 lines a node that is gone committed: its counts, its place and its
            // users are as that node left them.
            let second = try await createJob(cognate, pool: pool, text: try await file(cognate, pool: pool, users: 2000..<3200))
            let stored = try await cognate.dependencies.storage.userImportJob(poolID: pool, id: second)
            let upload = try #require(stored.file)
            let header = try await cognate.call(Operations.GetCSVHeader.self, GetCSVHeaderRequest(userPoolId: pool)).csvHeader ?? []
            let headerBytes = header.joined(separator: ",").utf8.count + 1
            let firstUsers = try await file(cognate, pool: pool, users: 2000..<2500).utf8.count - headerBytes
            let now = cognate.clock.now()
            var made: [User] = []
            for index in 2000..<2500 {
                made.append(
                    User(
                        poolID: pool, username: "user\(index)", usernameKey: "user\(index)", sub: "sub-\(index)",
                        attributes: [UserAttribute(name: "sub", value: "sub-\(index)")], status: .resetRequired, enabled: true, creationDate: now,
                        lastModifiedDate: now))
            }
            _ = try await cognate.dependencies.storage.importUsers(poolID: pool, id: second, users: made) { job, _ in
                job.status = .inProgress
                job.startDate = now
                job.imported = 500
                job.progress = .init(chunk: 0, offset: headerBytes + firstUsers, line: 502, header: header)
                job.runner = .init(node: "a-node-that-is-gone", until: now.addingTimeInterval(60))
                return (2...501).map { "[SUCCEEDED] Line Number \($0) - The import succeeded." }.joined(separator: "\n")
            }
            #expect(upload.chunks == 1)
            cognate.dependencies.userImports.wake(cognate.dependencies)
            let done = try await waitForEnd(cognate, pool: pool, job: second)
            #expect(done.status == .succeeded)
            #expect(done.importedUsers == 1200 && done.skippedUsers == 0 && done.failedUsers == 0)
            let log = try await cognate.dependencies.storage.userImportLog(poolID: pool, id: second, after: 0, limit: 10).flatMap {
                $0.lines.split(separator: "\n")
            }
            #expect(log.count == 1200 && log.last == "[SUCCEEDED] Line Number 1201 - The import succeeded.")
            #expect(try await cognate.dependencies.storage.countUsers(poolID: pool) == 2400)
        }
    }
}
