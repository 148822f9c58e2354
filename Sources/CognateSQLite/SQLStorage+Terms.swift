import CognateStorage
import Foundation
import SQLKit

/// `TermsStorage` in SQL: a unique index keeps one document of each name per client.
extension SQLStorage {
    public func createTerms(_ terms: TermsDocument) async throws {
        let data = try Self.json(terms)
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: terms.poolID)")
            try await db.raw("""
                INSERT INTO terms (pool_id, terms_id, client_id, name, data)
                VALUES (\(bind: terms.poolID), \(bind: terms.termsID), \(bind: terms.clientID), \(bind: terms.name), \(bind: data))
                """).run()
        }
    }

    public func terms(poolID: String, termsID: String) async throws -> TermsDocument {
        try await read { db in
            try await Self.one(TermsDocument.self, db, "SELECT data FROM terms WHERE pool_id = \(bind: poolID) AND terms_id = \(bind: termsID)")
        }
    }

    public func terms(poolID: String, clientID: String) async throws -> [TermsDocument] {
        try await read { db in
            try await db.raw("SELECT data FROM terms WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID) ORDER BY name")
                .all(decodingColumn: "data", as: String.self).map { try Self.record(TermsDocument.self, $0) }
        }
    }

    public func listTerms(poolID: String, _ page: PageRequest) async throws -> Page<TermsDocument> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM terms WHERE pool_id = \(bind: poolID)"
            if let after {
                q.appendInterpolation(unsafeRaw: " AND terms_id > ")
                q.appendInterpolation(bind: after[0])
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY terms_id")
            return try await Self.page(TermsDocument.self, db, q, limit: page.limit) { [$0.termsID] }
        }
    }

    public func updateTerms(
        poolID: String, termsID: String, _ change: @escaping @Sendable (inout TermsDocument) throws -> Void
    ) async throws -> TermsDocument {
        try await transaction { db in
            let stored = try await Self.one(
                TermsDocument.self, db, "SELECT data FROM terms WHERE pool_id = \(bind: poolID) AND terms_id = \(bind: termsID)")
            var terms = stored
            try change(&terms)
            terms.poolID = stored.poolID
            terms.termsID = stored.termsID
            terms.clientID = stored.clientID
            let data = try Self.json(terms)
            try await db.raw("""
                UPDATE terms SET name = \(bind: terms.name), data = \(bind: data) WHERE pool_id = \(bind: poolID) AND terms_id = \(bind: termsID)
                """).run()
            return terms
        }
    }

    public func deleteTerms(poolID: String, termsID: String) async throws {
        try await transaction { db in
            try await Self.requireRow(db, "SELECT terms_id FROM terms WHERE pool_id = \(bind: poolID) AND terms_id = \(bind: termsID)")
            try await db.raw("DELETE FROM terms WHERE pool_id = \(bind: poolID) AND terms_id = \(bind: termsID)").run()
        }
    }
}
