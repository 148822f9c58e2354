import CognateStorage
import Foundation
import SQLKit

/// `CIMDPolicyStorage` in SQL: one row per pool and policy, and one per policy and document URL (its
/// expiry beside the document, for choosing which to drop when a policy keeps too many).
extension SQLStorage {
    static let cimdPolicies = PoolDocumentTable<CIMDPolicy>(
        table: "cimd_policies", keyColumn: "policy_id", poolID: \.poolID, key: \.policyID, duplicateKey: "CIMDPolicyId")

    public func createCIMDPolicy(_ policy: CIMDPolicy) async throws {
        try await Self.cimdPolicies.create(policy, in: self)
    }

    public func cimdPolicy(poolID: String, policyID: String) async throws -> CIMDPolicy {
        try await Self.cimdPolicies.get(poolID: poolID, key: policyID, in: self)
    }

    public func listCIMDPolicies(poolID: String, _ page: PageRequest) async throws -> Page<CIMDPolicy> {
        try await Self.cimdPolicies.list(poolID: poolID, page, in: self)
    }

    public func allCIMDPolicies(limit: Int) async throws -> [CIMDPolicy] {
        try await Self.cimdPolicies.all(limit: limit, in: self)
    }

    @discardableResult
    public func updateCIMDPolicy(poolID: String, policyID: String, _ change: @escaping @Sendable (inout CIMDPolicy) throws -> Void) async throws
        -> CIMDPolicy
    {
        try await Self.cimdPolicies.update(poolID: poolID, key: policyID, in: self, change)
    }

    public func deleteCIMDPolicy(poolID: String, policyID: String) async throws {
        try await Self.cimdPolicies.delete(
            poolID: poolID, key: policyID, in: self,
            before: { db in
                try await db.raw("DELETE FROM client_metadata_documents WHERE pool_id = \(bind: poolID) AND policy_id = \(bind: policyID)").run()
            })
    }

    public func putClientMetadata(_ metadata: CachedClientMetadata, keepingAtMost: Int) async throws {
        let data = try Self.json(metadata)
        try await transaction { db in
            try await Self.requireRow(
                db, "SELECT policy_id FROM cimd_policies WHERE pool_id = \(bind: metadata.poolID) AND policy_id = \(bind: metadata.policyID)")
            try await db.raw(
                """
                INSERT INTO client_metadata_documents (pool_id, policy_id, url, expires_at, data)
                VALUES (\(bind: metadata.poolID), \(bind: metadata.policyID), \(bind: metadata.url),
                        \(bind: metadata.expirationDate.timeIntervalSince1970), \(bind: data))
                ON CONFLICT (pool_id, policy_id, url) DO UPDATE SET expires_at = excluded.expires_at, data = excluded.data
                """
            ).run()
            let count =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM client_metadata_documents WHERE pool_id = \(bind: metadata.poolID) AND policy_id = \(bind: metadata.policyID)"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            let excess = count - max(1, keepingAtMost)
            guard excess > 0 else { return }
            try await db.raw(
                """
                DELETE FROM client_metadata_documents WHERE pool_id = \(bind: metadata.poolID) AND policy_id = \(bind: metadata.policyID)
                AND url IN (SELECT url FROM client_metadata_documents WHERE pool_id = \(bind: metadata.poolID)
                    AND policy_id = \(bind: metadata.policyID) AND url <> \(bind: metadata.url)
                    ORDER BY expires_at, url LIMIT \(unsafeRaw: String(excess)))
                """
            ).run()
        }
    }

    public func clientMetadata(poolID: String, policyID: String, url: String) async throws -> CachedClientMetadata {
        try await read { db in
            try await Self.one(
                CachedClientMetadata.self, db,
                "SELECT data FROM client_metadata_documents WHERE pool_id = \(bind: poolID) AND policy_id = \(bind: policyID) AND url = \(bind: url)")
        }
    }

    public func listClientMetadata(poolID: String, policyID: String, _ page: PageRequest) async throws -> Page<CachedClientMetadata> {
        let after = try PageToken.decode(page.token, parts: 1)
        return try await read { db in
            var q: SQLQueryString = "SELECT data FROM client_metadata_documents WHERE pool_id = \(bind: poolID) AND policy_id = \(bind: policyID)"
            q.appendPage(after: after, orderedBy: ["url"])
            return try await Self.page(CachedClientMetadata.self, db, q, limit: page.limit) { [$0.url] }
        }
    }

    public func deleteClientMetadata(poolID: String, policyID: String, url: String) async throws {
        try await transaction { db in
            try await Self.requireRow(
                db,
                "SELECT url FROM client_metadata_documents WHERE pool_id = \(bind: poolID) AND policy_id = \(bind: policyID) AND url = \(bind: url)")
            try await db.raw(
                "DELETE FROM client_metadata_documents WHERE pool_id = \(bind: poolID) AND policy_id = \(bind: policyID) AND url = \(bind: url)"
            ).run()
        }
    }
}
