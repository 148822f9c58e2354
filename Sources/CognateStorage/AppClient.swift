import CognitoModel
import Foundation

/// An app client of a user pool. Its settings reuse the model's description type, which holds
/// exactly what Create/UpdateUserPoolClient set; secrets are kept apart so each has its own ID and date.
public struct AppClient: Codable, Sendable, Equatable {
    public var poolID: String
    public var clientID: String
    public var settings: UserPoolClientType
    public var secrets: [ClientSecret]
    /// SetUserPoolClientSessionConfiguration's SSO validity in minutes; nil until it is called (60 then). Kept,
    /// dormant, while the pool's session tracking is off.
    public var ssoSessionMaxValidityMinutes: Int?
    /// Never stored: set on the client a CIMD client acts as (its policy's app client, narrowed by its
    /// metadata document), to the document's URL, which its codes and refresh tokens are then bound to.
    public var metadataURL: String?

    public init(poolID: String, clientID: String, settings: UserPoolClientType, secrets: [ClientSecret]) {
        self.poolID = poolID
        self.clientID = clientID
        self.settings = settings
        self.secrets = secrets
    }
}

/// One secret of an app client; a client may hold up to two at once, to rotate them.
public struct ClientSecret: Codable, Sendable, Equatable {
    public var id: String
    public var value: String
    public var creationDate: Date

    public init(id: String, value: String, creationDate: Date) {
        self.id = id
        self.value = value
        self.creationDate = creationDate
    }
}
