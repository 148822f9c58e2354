import Foundation

/// The classic hosted UI's branding (SetUICustomization) for one app client, or for the whole pool
/// under the client ID `ALL`: CSS and a logo.
public struct UICustomization: Codable, Sendable, Equatable {
    public static let allClients = "ALL"

    public var poolID: String
    public var clientID: String
    public var css: String?
    public var image: Data?
    /// Changes with every update, as AWS's CSSVersion does.
    public var version: String
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(poolID: String, clientID: String, css: String?, image: Data?, version: String, creationDate: Date, lastModifiedDate: Date) {
        self.poolID = poolID
        self.clientID = clientID
        self.css = css
        self.image = image
        self.version = version
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}
