import CognateStorage
import Foundation
import SQLKit

/// `UserImportJobStorage` in SQL. Jobs are not cached: every node sees a job as it is.
extension SQLStorage {
    private static let activeStatuses = "('Pending', 'InProgress', 'Stopping')"

    public func createUserImportJob(_ job: UserImportJob) async throws {
        let data = try Self.json(job)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: job.poolID)")
            try await db.raw(
                """
                INSERT INTO user_import_jobs (pool_id, id, seq, status, data)
                VALUES (\(bind: job.poolID), \(bind: job.id),
                        (SELECT COALESCE(MAX(seq), 0) + 1 FROM user_import_jobs WHERE pool_id = \(bind: job.poolID)),
                        \(bind: job.statusName), \(bind: data))
                """
            ).run()
        }
    }

    public func userImportJob(poolID: String, id: String) async throws -> UserImportJob {
        try await read { db in
            try await Self.one(UserImportJob.self, db, "SELECT data FROM user_import_jobs WHERE pool_id = \(bind: poolID) AND id = \(bind: id)")
        }
    }

    public func listUserImportJobs(poolID: String, after: String?, limit: Int) async throws -> [UserImportJob] {
        try await read { db in
            var query: SQLQueryString = "SELECT data FROM user_import_jobs WHERE pool_id = \(bind: poolID)"
            if let after {
                guard
                    let seq = try await db.raw("SELECT seq FROM user_import_jobs WHERE pool_id = \(bind: poolID) AND id = \(bind: after)")
                        .first(decodingColumn: "seq", as: Int64.self)
                else { throw StorageError.invalidPageToken }
                query.appendNewestFirst(before: seq, id: after, limit: limit)
            } else {
                query.appendNewestFirst(before: nil, id: "", limit: limit)
            }
            return try await db.raw(query).all(decodingColumn: "data", as: String.self).map { try Self.record(UserImportJob.self, $0) }
        }
    }

    public func countUserImportJobs(poolID: String) async throws -> Int {
        try await read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM user_import_jobs WHERE pool_id = \(bind: poolID)").first(decodingColumn: "n", as: Int.self)
                ?? 0
        }
    }

    public func updateUserImportJob(
        poolID: String, id: String, _ change: @escaping @Sendable (inout UserImportJob) throws -> Void
    ) async throws -> UserImportJob {
        try await transaction { db in
            try await Self.changeJob(db, poolID: poolID, id: id, change)
        }
    }

    /// Reads, changes and writes back a job inside the caller's transaction.
    private static func changeJob(
        _ db: any SQLDatabase, poolID: String, id: String, _ change: (inout UserImportJob) throws -> Void
    ) async throws -> UserImportJob {
        var job = try await one(UserImportJob.self, db, "SELECT data FROM user_import_jobs WHERE pool_id = \(bind: poolID) AND id = \(bind: id)")
        try change(&job)
        job.poolID = poolID
        job.id = id
        let data = try json(job)
        try await db.raw(
            "UPDATE user_import_jobs SET status = \(bind: job.statusName), data = \(bind: data) WHERE pool_id = \(bind: poolID) AND id = \(bind: id)"
        ).run()
        return job
    }

    public func hasActiveUserImportJob(poolID: String) async throws -> Bool {
        try await read { db in
            try await db.raw(
                "SELECT 1 AS one FROM user_import_jobs WHERE pool_id = \(bind: poolID) AND status IN \(unsafeRaw: Self.activeStatuses) LIMIT 1"
            ).first() != nil
        }
    }

    public func claimUserImportJob(node: String, now: Date, until: Date) async throws -> UserImportJob? {
        try await transaction { [engine] db in
            // Nodes sharing the database take turns at claiming (PostgreSQL: a lock held to the transaction's
            // end); one process alone is its own turn (SQLite's writes are serial already).
            if engine.isShared {
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.importClaimLock)))").run()
            }
            let active = try await db.raw("SELECT data FROM user_import_jobs WHERE status IN \(unsafeRaw: Self.activeStatuses)")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(UserImportJob.self, $0) }
            let running = active.filter { !$0.isPending }
            // A claim holds while its node may be running the job: on a database one process owns, only that
            // process's own claims (any other's node was an earlier process, gone).
            let holds = { (job: UserImportJob) in
                guard let runner = job.runner, runner.node != node else { return false }
                return engine.isShared && runner.until > now
            }
            // Another node's job under a claim that holds: nothing to take.
            if running.contains(where: holds) { return nil }
            let lapsed = running.filter { !holds($0) }
            let waiting = active.filter(\.isPending)
                .sorted { ($0.startDate ?? $0.creationDate, $0.id) < ($1.startDate ?? $1.creationDate, $1.id) }
            guard let next = lapsed.first ?? waiting.first else { return nil }
            return try await Self.changeJob(db, poolID: next.poolID, id: next.id) { job in
                job.runner = UserImportJob.Lease(node: node, until: until)
            }
        }
    }

    /// The PostgreSQL advisory lock nodes take turns under at claiming an import job.
    private static let importClaimLock: Int64 = 0x436F_676E_6174_6549

    public func putUserImportChunk(poolID: String, id: String, upload: String, index: Int, bytes: Data) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_import_jobs WHERE pool_id = \(bind: poolID) AND id = \(bind: id)")
            try await db.raw(
                """
                INSERT INTO user_import_chunks (pool_id, job_id, upload_id, seq, data)
                VALUES (\(bind: poolID), \(bind: id), \(bind: upload), \(bind: index), \(bind: bytes))
                """
            ).run()
        }
    }

    public func userImportChunk(poolID: String, id: String, upload: String, index: Int) async throws -> Data {
        try await read { db in
            guard
                let bytes = try await db.raw(
                    """
                    SELECT data FROM user_import_chunks
                    WHERE pool_id = \(bind: poolID) AND job_id = \(bind: id) AND upload_id = \(bind: upload) AND seq = \(bind: index)
                    """
                ).first(decodingColumn: "data", as: Data.self)
            else { throw StorageError.notFound }
            return bytes
        }
    }

    public func deleteUserImportChunks(poolID: String, id: String, upload: String?) async throws {
        try await transaction { db in
            var query: SQLQueryString = "DELETE FROM user_import_chunks WHERE pool_id = \(bind: poolID) AND job_id = \(bind: id)"
            if let upload {
                query.appendInterpolation(unsafeRaw: " AND upload_id = ")
                query.appendInterpolation(bind: upload)
            }
            try await db.raw(query).run()
        }
    }

    public func importUsers(
        poolID: String, id: String, users: [User], _ record: @escaping @Sendable (inout UserImportJob, [UserImportOutcome]) throws -> String
    ) async throws -> UserImportJob {
        let rows = users.map { ($0, Self.userData($0)) }
        let (job, _) = try await transaction { db in
            var outcomes: [UserImportOutcome] = []
            var created: [User] = []
            for (user, data) in rows {
                let outcome = try await Self.insertIfFree(db, user, data: data)
                outcomes.append(outcome)
                if outcome == .created { created.append(user) }
            }
            try await self.recordChanges(db, poolID: poolID, created.map { RecoveryJournalEntry(kind: .user, key: $0.usernameKey, before: nil) })
            var lines = ""
            let job = try await Self.changeJob(db, poolID: poolID, id: id) { job in lines = try record(&job, outcomes) }
            if !lines.isEmpty {
                try await db.raw(
                    """
                    INSERT INTO user_import_log (pool_id, job_id, seq, lines)
                    VALUES (\(bind: poolID), \(bind: id),
                            (SELECT COALESCE(MAX(seq), 0) + 1 FROM user_import_log WHERE pool_id = \(bind: poolID) AND job_id = \(bind: id)),
                            \(bind: lines))
                    """
                ).run()
            }
            return (job, created)
        } committed: { (_: UserImportJob, created: [User]) in
            self.cache.adjustUserCount(poolID, by: created.count)
            for user in created { self.cache(user) }
        }
        return job
    }

    /// Inserts the user unless their username, sub or an alias is taken: the database's keys decide
    /// (`ON CONFLICT DO NOTHING`), so the transaction goes on past a taken one.
    private static func insertIfFree(_ db: any SQLDatabase, _ user: User, data: Data) async throws -> UserImportOutcome {
        let v = indexedFields.map { user.filterValue($0) }
        let inserted = try await db.raw(
            """
            INSERT INTO users (pool_id, username_key, sub, email, phone_number, name, given_name, family_name,
                preferred_username, user_status, enabled_status, data)
            VALUES (\(bind: user.poolID), \(bind: user.usernameKey), \(bind: user.sub), \(bind: v[0]), \(bind: v[1]),
                \(bind: v[2]), \(bind: v[3]), \(bind: v[4]), \(bind: v[5]), \(bind: v[6] ?? ""), \(bind: v[7] ?? ""), \(bind: data))
            ON CONFLICT DO NOTHING RETURNING username_key
            """
        ).first()
        guard inserted != nil else { return .usernameTaken }
        for alias in user.aliasKeys {
            let taken =
                try await db.raw(
                    """
                    INSERT INTO user_aliases (pool_id, alias_key, username_key) VALUES (\(bind: user.poolID), \(bind: alias), \(bind: user.usernameKey))
                    ON CONFLICT DO NOTHING RETURNING alias_key
                    """
                ).first() == nil
            if taken {
                try await db.raw(
                    "DELETE FROM user_aliases WHERE pool_id = \(bind: user.poolID) AND username_key = \(bind: user.usernameKey)"
                ).run()
                try await db.raw("DELETE FROM users WHERE pool_id = \(bind: user.poolID) AND username_key = \(bind: user.usernameKey)").run()
                return .aliasTaken
            }
        }
        return .created
    }

    public func userImportLog(poolID: String, id: String, after: Int, limit: Int) async throws -> [(seq: Int, lines: String)] {
        try await read { db in
            try await db.raw(
                """
                SELECT seq, lines FROM user_import_log WHERE pool_id = \(bind: poolID) AND job_id = \(bind: id) AND seq > \(bind: after)
                ORDER BY seq LIMIT \(unsafeRaw: String(max(0, limit)))
                """
            ).all().map { row in (seq: try row.decode(column: "seq", as: Int.self), lines: try row.decode(column: "lines", as: String.self)) }
        }
    }
}
