import Foundation

/// A group of a user pool.
public struct Group: Codable, Sendable, Equatable {
    public var poolID: String
    public var name: String
    public var description: String?
    public var roleArn: String?
    public var precedence: Int?
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(
        poolID: String, name: String, description: String? = nil, roleArn: String? = nil, precedence: Int? = nil,
        creationDate: Date, lastModifiedDate: Date
    ) {
        self.poolID = poolID
        self.name = name
        self.description = description
        self.roleArn = roleArn
        self.precedence = precedence
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}
