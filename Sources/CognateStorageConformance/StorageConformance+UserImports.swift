import CognateStorage
import CognitoModel
import Foundation

extension StorageConformance {
    static let userImportChecks: [String: Check] = [
        "userImportJobsAreListedNewestFirstAndGoWithThePool": userImportJobsAreListedNewestFirstAndGoWithThePool,
        "userImportFilesAreChunksPerUpload": userImportFilesAreChunksPerUpload,
        "userImportBatchesCreateFreeUsersWithTheJobInOneTransaction": userImportBatchesCreateFreeUsersWithTheJobInOneTransaction,
        "userImportJobsAreClaimedOneAtATime": userImportJobsAreClaimedOneAtATime,
    ]

    static func importJob(_ id: String, pool: String = "us-east-1_Pool1", at offset: TimeInterval = 0) -> UserImportJob {
        UserImportJob(
            poolID: pool, id: id, name: "job " + id, roleARN: "arn:aws:iam::123456789012:role/Import", passwordHashingAlgorithm: nil,
            preSignedURL: "http://localhost/" + id, creationDate: date.addingTimeInterval(offset))
    }

    static func userImportJobsAreListedNewestFirstAndGoWithThePool(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        for (index, id) in ["import-a", "import-c", "import-b"].enumerated() {
            try await s.createUserImportJob(importJob(id, at: TimeInterval(index)))
        }
        try await expectError(.notFound, "a pool that does not exist") {
            try await s.createUserImportJob(importJob("import-x", pool: "us-east-1_Missing"))
        }
        try expect(try await s.countUserImportJobs(poolID: "us-east-1_Pool1") == 3, "three jobs")
        let all = try await s.listUserImportJobs(poolID: "us-east-1_Pool1", after: nil, limit: 10).map(\.id)
        try expect(all == ["import-b", "import-c", "import-a"], "newest first: \(all)")
        let rest = try await s.listUserImportJobs(poolID: "us-east-1_Pool1", after: "import-c", limit: 10).map(\.id)
        try expect(rest == ["import-a"], "past a job: \(rest)")
        try await expectError(.invalidPageToken, "past a job the pool lacks") {
            _ = try await s.listUserImportJobs(poolID: "us-east-1_Pool1", after: "import-x", limit: 10)
        }
        try expect(try await !s.hasActiveUserImportJob(poolID: "us-east-1_Pool1"), "none started")
        let started = try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: "import-c") { $0.status = .pending }
        try expect(started.status == .pending, "changed")
        try expect(try await s.userImportJob(poolID: "us-east-1_Pool1", id: "import-c") == started, "read back whole")
        try expect(try await s.hasActiveUserImportJob(poolID: "us-east-1_Pool1"), "one started")
        try await expectError(.notFound, "a job that does not exist") {
            try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: "import-x") { $0.status = .pending }
        }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try await expectError(.notFound, "a deleted pool's") { _ = try await s.userImportJob(poolID: "us-east-1_Pool1", id: "import-a") }
        try expect(try await s.countUserImportJobs(poolID: "us-east-1_Pool1") == 0, "gone with the pool")
    }

    static func userImportFilesAreChunksPerUpload(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUserImportJob(importJob("import-a"))
        let bytes = Data((0..<3000).map { UInt8($0 % 251) })
        try await s.putUserImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up1", index: 0, bytes: bytes)
        try await s.putUserImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up1", index: 1, bytes: Data([1, 2]))
        try await s.putUserImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up2", index: 0, bytes: Data([9]))
        try expect(try await s.userImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up1", index: 0) == bytes, "bytes whole")
        try await expectError(.notFound, "a job that does not exist") {
            try await s.putUserImportChunk(poolID: "us-east-1_Pool1", id: "import-x", upload: "up1", index: 0, bytes: bytes)
        }
        try await s.deleteUserImportChunks(poolID: "us-east-1_Pool1", id: "import-a", upload: "up1")
        try await expectError(.notFound, "an upload's chunks deleted") {
            _ = try await s.userImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up1", index: 1)
        }
        try expect(
            try await s.userImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up2", index: 0) == Data([9]), "another upload kept")
        try await s.deleteUserImportChunks(poolID: "us-east-1_Pool1", id: "import-a", upload: nil)
        try await expectError(.notFound, "every upload deleted") {
            _ = try await s.userImportChunk(poolID: "us-east-1_Pool1", id: "import-a", upload: "up2", index: 0)
        }
    }

    static func userImportBatchesCreateFreeUsersWithTheJobInOneTransaction(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUserImportJob(importJob("import-a"))
        try await s.createUser(user("taken", email: "taken@example.com", aliases: ["email:taken@example.com"]))
        let batch = [
            user("new1", aliases: ["email:new1@example.com"]), user("taken"), user("new2", aliases: ["email:taken@example.com"]),
            user("new3", aliases: ["email:new1@example.com"]), user("new4"),
        ]
        let job = try await s.importUsers(poolID: "us-east-1_Pool1", id: "import-a", users: batch) { job, outcomes in
            job.imported += Int64(outcomes.filter { $0 == .created }.count)
            job.progress.line = 7
            return outcomes.map { "\($0)" }.joined(separator: "\n")
        }
        try expect(job.imported == 2 && job.progress.line == 7, "the job changed with the batch")
        try expect(try await s.userImportJob(poolID: "us-east-1_Pool1", id: "import-a") == job, "and stored")
        let log = try await s.userImportLog(poolID: "us-east-1_Pool1", id: "import-a", after: 0, limit: 10)
        try expect(log.map(\.lines) == ["created\nusernameTaken\naliasTaken\naliasTaken\ncreated"], "outcomes in order: \(log.map(\.lines))")
        try expect(try await s.user(poolID: "us-east-1_Pool1", usernameKey: "new1").aliasKeys == ["email:new1@example.com"], "created")
        try expect(try await s.user(poolID: "us-east-1_Pool1", aliasKey: "email:taken@example.com").usernameKey == "taken", "alias kept")
        try await expectError(.notFound, "a user whose alias was taken") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "new2") }
        try await expectError(.notFound, "nor later in the batch") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "new3") }
        try expect(try await s.countUsers(poolID: "us-east-1_Pool1") == 3, "three users")
        // A batch whose job change throws leaves nothing behind.
        struct Refused: Error {}
        do {
            _ = try await s.importUsers(poolID: "us-east-1_Pool1", id: "import-a", users: [user("new5")]) { _, _ in throw Refused() }
            throw ConformanceFailure("the refused batch was committed")
        } catch is Refused {}
        try await expectError(.notFound, "a refused batch's user") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "new5") }
        try expect(try await s.userImportLog(poolID: "us-east-1_Pool1", id: "import-a", after: log[0].seq, limit: 10).isEmpty, "nor its log")
        try await expectError(.notFound, "a job that does not exist") {
            _ = try await s.importUsers(poolID: "us-east-1_Pool1", id: "import-x", users: [user("new6")]) { _, _ in "" }
        }
        try await expectError(.notFound, "its users not created") { _ = try await s.user(poolID: "us-east-1_Pool1", usernameKey: "new6") }
    }

    static func userImportJobsAreClaimedOneAtATime(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        for (index, id) in ["import-a", "import-b"].enumerated() {
            try await s.createUserImportJob(importJob(id, at: TimeInterval(index)))
            try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: id) { job in
                job.status = .pending
                job.startDate = date.addingTimeInterval(TimeInterval(10 - index))
            }
        }
        let now = date.addingTimeInterval(100)
        let first = try await s.claimUserImportJob(node: "n1", now: now, until: now.addingTimeInterval(60))
        try expect(first?.id == "import-b" && first?.runner?.node == "n1", "the longest waiting, claimed: \(String(describing: first?.id))")
        try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: "import-b") { $0.status = .inProgress }
        let again = try await s.claimUserImportJob(node: "n1", now: now, until: now.addingTimeInterval(60))
        try expect(again?.id == "import-b", "a node takes its own running job back first")
        try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: "import-b") { $0.status = .succeeded }
        let next = try await s.claimUserImportJob(node: "n1", now: now, until: now.addingTimeInterval(60))
        try expect(next?.id == "import-a", "then the next")
        try await s.updateUserImportJob(poolID: "us-east-1_Pool1", id: "import-a") { $0.status = .succeeded }
        try expect(try await s.claimUserImportJob(node: "n1", now: now, until: now) == nil, "nothing left")
    }
}
