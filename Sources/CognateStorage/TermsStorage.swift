/// Terms documents, by pool and ID; a client has at most one document of each name (`alreadyExists`
/// otherwise). Listing is in ID order. Deleting the pool deletes them.
public protocol TermsStorage: Sendable {
    func createTerms(_ terms: TermsDocument) async throws
    func terms(poolID: String, termsID: String) async throws -> TermsDocument
    func terms(poolID: String, clientID: String) async throws -> [TermsDocument]
    func listTerms(poolID: String, _ page: PageRequest) async throws -> Page<TermsDocument>
    @discardableResult
    func updateTerms(poolID: String, termsID: String, _ change: @escaping @Sendable (inout TermsDocument) throws -> Void) async throws
        -> TermsDocument
    func deleteTerms(poolID: String, termsID: String) async throws
}
