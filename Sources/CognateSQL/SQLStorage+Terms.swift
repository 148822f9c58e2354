import CognateStorage
import SQLKit

/// `TermsStorage` in SQL: a unique index keeps one document of each name per client.
extension SQLStorage {
    static let termsDocuments = PoolDocumentTable<TermsDocument>(
        table: "terms", keyColumn: "terms_id", poolID: \.poolID, key: \.termsID,
        fixed: [\.clientID],
        columns: { [("client_id", $0.clientID), ("name", $0.name)] })

    public func createTerms(_ terms: TermsDocument) async throws {
        try await Self.termsDocuments.create(terms, in: self)
    }

    public func terms(poolID: String, termsID: String) async throws -> TermsDocument {
        try await Self.termsDocuments.get(poolID: poolID, key: termsID, in: self)
    }

    public func terms(poolID: String, clientID: String) async throws -> [TermsDocument] {
        try await Self.termsDocuments.all(poolID: poolID, where: "client_id", is: clientID, orderBy: "name", in: self)
    }

    public func listTerms(poolID: String, _ page: PageRequest) async throws -> Page<TermsDocument> {
        try await Self.termsDocuments.list(poolID: poolID, page, in: self)
    }

    public func updateTerms(
        poolID: String, termsID: String, _ change: @escaping @Sendable (inout TermsDocument) throws -> Void
    ) async throws -> TermsDocument {
        try await Self.termsDocuments.update(poolID: poolID, key: termsID, in: self, change)
    }

    public func deleteTerms(poolID: String, termsID: String) async throws {
        try await Self.termsDocuments.delete(poolID: poolID, key: termsID, in: self)
    }
}
