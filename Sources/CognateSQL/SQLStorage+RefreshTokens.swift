import CognateStorage
import Foundation
import SQLKit

/// Refresh tokens by hash and origin, their revocation and rotation, with the cache.
extension SQLStorage {
    public func createRefreshToken(_ record: RefreshTokenRecord) async throws {
        let data = try Self.json(record)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO refresh_tokens (token_hash, pool_id, username_key, origin_jti, data)
                VALUES (\(bind: record.tokenHash), \(bind: record.poolID), \(bind: record.usernameKey), \(bind: record.originJTI), \(bind: data))
                """
            ).run()
        } committed: {
            self.refreshTokens.store(record, key: record.tokenHash)
        }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord {
        if let record = refreshTokens[hash] { return record }
        return try await readRefreshToken(.refreshTokenByHash, hash)
    }

    public func refreshToken(originJTI: String) async throws -> RefreshTokenRecord {
        if let record = refreshTokens.value(secondKey: originJTI) { return record }
        return try await readRefreshToken(.refreshTokenByOrigin, originJTI)
    }

    /// The record `read` reads by `key`, cached unless a write came since the read began.
    private func readRefreshToken(_ read: KeyedRead, _ key: String) async throws -> RefreshTokenRecord {
        let generation = refreshTokens.generation
        guard
            let record = try await rows(
                read, [key], decode: { try Self.record(RefreshTokenRecord.self, try $0.decode(column: "data", as: String.self)) }
            )
            .first
        else { throw StorageError.notFound }
        refreshTokens.fill(record, key: record.tokenHash, since: generation)
        return record
    }

    public func refreshTokens(poolID: String, usernameKey: String) async throws -> [RefreshTokenRecord] {
        try await read { db in
            try await db.raw(
                """
                SELECT data FROM refresh_tokens WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)
                """
            ).all(decodingColumn: "data", as: String.self)
                .map { try Self.record(RefreshTokenRecord.self, $0) }
                .sorted { ($0.issuedAt, $0.tokenHash) > ($1.issuedAt, $1.tokenHash) }
        }
    }

    public func revokeRefreshTokens(poolID: String, usernameKey: String) async throws -> Int {
        try await transaction { db -> [RefreshTokenRecord] in
            let rows = try await db.raw(
                """
                SELECT data FROM refresh_tokens WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)
                """
            ).all(decodingColumn: "data", as: String.self)
            var revoked: [RefreshTokenRecord] = []
            for json in rows {
                var record = try Self.record(RefreshTokenRecord.self, json)
                if record.revoked { continue }
                record.revoked = true
                let data = try Self.json(record)
                try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: record.tokenHash)").run()
                revoked.append(record)
            }
            return revoked
        } committed: { revoked in
            for record in revoked { self.refreshTokens.store(record, key: record.tokenHash) }
        }.count
    }

    public func revokeRefreshToken(hash: String) async throws {
        _ = try await transaction { db in
            var record = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE token_hash = \(bind: hash)")
            record.revoked = true
            let data = try Self.json(record)
            try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: hash)").run()
            return record
        } committed: {
            self.refreshTokens.store($0, key: $0.tokenHash)
        }
    }

    public func markRotated(hash: String, at date: Date) async throws -> RefreshTokenRecord {
        try await transaction { db -> (before: RefreshTokenRecord, after: RefreshTokenRecord) in
            let before = try await Self.one(RefreshTokenRecord.self, db, "SELECT data FROM refresh_tokens WHERE token_hash = \(bind: hash)")
            guard before.rotatedAt == nil else { return (before, before) }
            var record = before
            record.rotatedAt = date
            let data = try Self.json(record)
            try await db.raw("UPDATE refresh_tokens SET data = \(bind: data) WHERE token_hash = \(bind: hash)").run()
            return (before, record)
        } committed: {
            self.refreshTokens.store($0.after, key: $0.after.tokenHash)
        }.before
    }
}
