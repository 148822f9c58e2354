import CognitoModel
import Foundation

/// A managed login (v2) branding style of an app client (CreateManagedLoginBranding): the settings
/// document the client customized and its image assets. A client has at most one.
public struct BrandingStyle: Codable, Sendable, Equatable {
    public var brandingID: String
    public var poolID: String
    public var clientID: String
    /// True when the style is Cognito's defaults, with no settings or assets of its own.
    public var useCognitoProvidedValues: Bool
    /// The customized settings (a JSON object), without the defaults.
    public var settings: JSONValue?
    public var assets: [BrandingAsset]
    public var creationDate: Date
    public var lastModifiedDate: Date

    public init(
        brandingID: String, poolID: String, clientID: String, useCognitoProvidedValues: Bool, settings: JSONValue?,
        assets: [BrandingAsset], creationDate: Date, lastModifiedDate: Date
    ) {
        self.brandingID = brandingID
        self.poolID = poolID
        self.clientID = clientID
        self.useCognitoProvidedValues = useCognitoProvidedValues
        self.settings = settings
        self.assets = assets
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
    }
}

/// One image of a branding style: its role (`FORM_LOGO`, `PAGE_BACKGROUND`, `FAVICON_ICO`, …), the colour
/// mode it is for (`LIGHT`, `DARK`, `DYNAMIC`), its file type and bytes.
public struct BrandingAsset: Codable, Sendable, Equatable {
    public var category: String
    public var colorMode: String
    public var fileExtension: String
    public var bytes: Data
    public var resourceID: String?

    public init(category: String, colorMode: String, fileExtension: String, bytes: Data, resourceID: String? = nil) {
        self.category = category
        self.colorMode = colorMode
        self.fileExtension = fileExtension
        self.bytes = bytes
        self.resourceID = resourceID
    }
}
