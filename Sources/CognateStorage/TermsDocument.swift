import Foundation

/// A terms document of an app client (CreateTerms): terms of use or a privacy policy, given as links by
/// language (`cognito:default`, `cognito:english`, …), shown on the client's sign-up page.
public struct TermsDocument: Codable, Sendable, Equatable {
    public var termsID: String
    public var poolID: String
    public var clientID: String
    /// `terms-of-use` or `privacy-policy`: one of each per client.
    public var name: String
    public var source: String
    public var enforcement: String
    public var links: [String: String]
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(
        termsID: String, poolID: String, clientID: String, name: String, source: String, enforcement: String, links: [String: String],
        creationDate: Date, lastModifiedDate: Date
    ) {
        self.termsID = termsID
        self.poolID = poolID
        self.clientID = clientID
        self.name = name
        self.source = source
        self.enforcement = enforcement
        self.links = links
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}
