import CognateStorage
import Foundation
import SQLKit

/// `OAuthCodeStorage` in SQL: taken with one `DELETE … RETURNING`, so a code is redeemed once.
extension SQLStorage {
    public func createAuthorizationCode(_ code: AuthorizationCode) async throws {
        let data = try Self.json(code)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO oauth_codes (code_hash, pool_id, username_key, expires_at, data)
                VALUES (\(bind: code.codeHash), \(bind: code.poolID), \(bind: code.usernameKey),
                        \(bind: code.expiresAt.timeIntervalSince1970), \(bind: data))
                """
            ).run()
            // Codes live minutes: whatever expired well before this one was made is gone for good.
            let cutoff = code.expiresAt.timeIntervalSince1970 - 2 * AuthorizationCode.lifetime
            try await db.raw("DELETE FROM oauth_codes WHERE expires_at < \(bind: cutoff)").run()
        }
    }

    public func takeAuthorizationCode(hash: String) async throws -> AuthorizationCode {
        try await transaction { db in
            try await Self.one(AuthorizationCode.self, db, "DELETE FROM oauth_codes WHERE code_hash = \(bind: hash) RETURNING data")
        }
    }
}
