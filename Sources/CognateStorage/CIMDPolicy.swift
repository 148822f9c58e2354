import Foundation

/// A client ID metadata document policy (CreateCIMDPolicy): the https URL patterns under which OAuth
/// clients may name themselves by the URL of their metadata document, and the app client whose settings
/// they are allowed within. It keeps its client's ID when that client is deleted; the API then omits it.
public struct CIMDPolicy: Codable, Sendable, Equatable {
    public var poolID: String
    public var policyID: String
    public var clientID: String
    public var name: String
    /// Seconds a document is cached when its `Cache-Control: max-age` is not between one day and one year.
    public var cacheDuration: Int
    public var urlPatterns: [String]
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(
        poolID: String, policyID: String, clientID: String, name: String, cacheDuration: Int, urlPatterns: [String], creationDate: Date,
        lastModifiedDate: Date
    ) {
        self.poolID = poolID
        self.policyID = policyID
        self.clientID = clientID
        self.name = name
        self.cacheDuration = cacheDuration
        self.urlPatterns = urlPatterns
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}

/// A client metadata document fetched for a policy and kept until it expires: only valid documents are
/// kept (the draft forbids caching errors).
public struct CachedClientMetadata: Codable, Sendable, Equatable {
    public var poolID: String
    public var policyID: String
    /// The document's URL, which is the client's ID.
    public var url: String
    /// The document as fetched (JSON, at most 5 KB).
    public var document: String
    public var cachedDate: Date
    public var expirationDate: Date

    public init(poolID: String, policyID: String, url: String, document: String, cachedDate: Date, expirationDate: Date) {
        self.poolID = poolID
        self.policyID = policyID
        self.url = url
        self.document = document
        self.cachedDate = cachedDate
        self.expirationDate = expirationDate
    }
}

/// CIMD policies and the documents cached for them. Deleting a policy deletes its documents; deleting the
/// pool deletes both; deleting the app client deletes neither.
public protocol CIMDPolicyStorage: Sendable {
    /// The pool must exist (`notFound`); a policy with the same ID: `alreadyExists`.
    func createCIMDPolicy(_ policy: CIMDPolicy) async throws
    func cimdPolicy(poolID: String, policyID: String) async throws -> CIMDPolicy
    /// A page of the pool's policies in ID order.
    func listCIMDPolicies(poolID: String, _ page: PageRequest) async throws -> Page<CIMDPolicy>
    /// At most `limit` policies of every pool, in pool and ID order: the ones an authorize request without a
    /// pool domain is matched against.
    func allCIMDPolicies(limit: Int) async throws -> [CIMDPolicy]
    @discardableResult
    func updateCIMDPolicy(poolID: String, policyID: String, _ change: @escaping @Sendable (inout CIMDPolicy) throws -> Void) async throws
        -> CIMDPolicy
    func deleteCIMDPolicy(poolID: String, policyID: String) async throws

    /// Stores the document, replacing the one kept for the same policy and URL; the policy must exist
    /// (`notFound`). When the policy then keeps more than `keepingAtMost` documents, those that expire first
    /// (other than this one) are dropped.
    func putClientMetadata(_ metadata: CachedClientMetadata, keepingAtMost: Int) async throws
    func clientMetadata(poolID: String, policyID: String, url: String) async throws -> CachedClientMetadata
    /// A page of the policy's documents in URL order.
    func listClientMetadata(poolID: String, policyID: String, _ page: PageRequest) async throws -> Page<CachedClientMetadata>
    func deleteClientMetadata(poolID: String, policyID: String, url: String) async throws
}
