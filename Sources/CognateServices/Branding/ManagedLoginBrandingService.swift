import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// CreateManagedLoginBranding, DescribeManagedLoginBranding, DescribeManagedLoginBrandingByClient,
/// UpdateManagedLoginBranding and DeleteManagedLoginBranding: an app client's style for the managed login
/// (version 2) pages — a settings document and image assets.
struct ManagedLoginBrandingService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// Create and Update may carry 2 MB (AWS's limit for these two); images are at most 1 MB each.
    static let maxRequestBytes = 2 << 20

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateManagedLoginBranding.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            _ = try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.appClient(poolID: input.userPoolId, clientID: input.clientId)
            }
            let assets = input.assets ?? []
            try Self.checkDefaults(input.useCognitoProvidedValues, settings: input.settings, assets: assets)
            if let settings = input.settings { try BrandingSettings.check(settings) }
            let now = deps.clock.now()
            let style = BrandingStyle(
                brandingID: deps.random.uuid(), poolID: input.userPoolId, clientID: input.clientId,
                useCognitoProvidedValues: input.useCognitoProvidedValues ?? false, settings: input.settings,
                assets: try Self.merge([], assets), creationDate: now, lastModifiedDate: now)
            do {
                try await deps.storage.createBrandingStyle(style)
            } catch StorageError.alreadyExists {
                throw CognitoError(
                    .managedLoginBrandingExistsException,
                    "A managed login branding style already exists for app client \(input.clientId).")
            }
            return CreateManagedLoginBrandingResponse(managedLoginBranding: Self.wire(style, merged: false))
        }
        table.register(Operations.DescribeManagedLoginBranding.self) { input, _ in
            let style = try await load(input.userPoolId, input.managedLoginBrandingId)
            return DescribeManagedLoginBrandingResponse(managedLoginBranding: Self.wire(style, merged: input.returnMergedResources == true))
        }
        table.register(Operations.DescribeManagedLoginBrandingByClient.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let style = try await StorageError.map(
                notFound: CognitoError(
                    .resourceNotFoundException, "App client \(input.clientId) has no managed login branding style.")
            ) {
                try await deps.storage.brandingStyle(poolID: input.userPoolId, clientID: input.clientId)
            }
            return DescribeManagedLoginBrandingByClientResponse(
                managedLoginBranding: Self.wire(style, merged: input.returnMergedResources == true))
        }
        table.register(Operations.UpdateManagedLoginBranding.self) { input, _ in
            guard let poolID = input.userPoolId else { throw Errors.invalidParameter("UserPoolId is required.") }
            guard let brandingID = input.managedLoginBrandingId else { throw Errors.invalidParameter("ManagedLoginBrandingId is required.") }
            _ = try await load(poolID, brandingID)
            let assets = input.assets ?? []
            try Self.checkDefaults(input.useCognitoProvidedValues, settings: input.settings, assets: assets)
            if let settings = input.settings { try BrandingSettings.check(settings) }
            let now = deps.clock.now()
            let updated = try await StorageError.map(notFound: Self.notFound(brandingID)) {
                try await deps.storage.updateBrandingStyle(poolID: poolID, brandingID: brandingID) { style in
                    if input.useCognitoProvidedValues == true {
                        // Back to Cognito's defaults: the customizations go.
                        style.useCognitoProvidedValues = true
                        style.settings = nil
                        style.assets = []
                    } else {
                        if input.useCognitoProvidedValues == false { style.useCognitoProvidedValues = false }
                        // Settings and assets a request leaves out keep their values (AWS: large styles are sent in parts).
                        if let settings = input.settings {
                            style.settings = BrandingSettings.merge(style.settings, settings)
                            style.useCognitoProvidedValues = false
                        }
                        if !assets.isEmpty {
                            style.assets = try Self.merge(style.assets, assets)
                            style.useCognitoProvidedValues = false
                        }
                    }
                    style.lastModifiedDate = now
                }
            }
            return UpdateManagedLoginBrandingResponse(managedLoginBranding: Self.wire(updated, merged: false))
        }
        table.register(Operations.DeleteManagedLoginBranding.self) { input, _ in
            _ = try await load(input.userPoolId, input.managedLoginBrandingId)
            try await StorageError.map(notFound: Self.notFound(input.managedLoginBrandingId)) {
                try await deps.storage.deleteBrandingStyle(poolID: input.userPoolId, brandingID: input.managedLoginBrandingId)
            }
            return .init()
        }
    }

    private func load(_ poolID: String, _ brandingID: String) async throws -> BrandingStyle {
        _ = try await UserPoolService(deps).load(poolID)
        return try await StorageError.map(notFound: Self.notFound(brandingID)) {
            try await deps.storage.brandingStyle(poolID: poolID, brandingID: brandingID)
        }
    }

    static func notFound(_ brandingID: String) -> CognitoError {
        CognitoError(.resourceNotFoundException, "Managed login branding style \(brandingID.prefix(64)) does not exist.")
    }

    static func checkDefaults(_ useDefaults: Bool?, settings: JSONValue?, assets: [AssetType]) throws(CognitoError) {
        if useDefaults == true && (settings != nil || !assets.isEmpty) {
            throw Errors.invalidParameter("When UseCognitoProvidedValues is true, Settings and Assets must be left out.")
        }
    }

    /// The request's assets over the stored ones: one image per category and colour mode, the newest kept.
    /// An asset without bytes keeps the stored image of its category and mode.
    static func merge(_ stored: [BrandingAsset], _ assets: [AssetType]) throws(CognitoError) -> [BrandingAsset] {
        var result = stored
        var seen = Set<String>()
        for asset in assets {
            let key = asset.category.rawValue + "/" + asset.colorMode.rawValue
            guard seen.insert(key).inserted else {
                throw Errors.invalidParameter("Assets name \(asset.category.rawValue) in \(asset.colorMode.rawValue) mode more than once.")
            }
            let existing = result.firstIndex { $0.category == asset.category.rawValue && $0.colorMode == asset.colorMode.rawValue }
            guard let bytes = asset.bytes ?? existing.map({ result[$0].bytes }) else {
                throw Errors.invalidParameter("The \(asset.category.rawValue) asset has no Bytes.")
            }
            try AssetFile.check(bytes, extension: asset.extension, category: asset.category)
            let made = BrandingAsset(
                category: asset.category.rawValue, colorMode: asset.colorMode.rawValue, fileExtension: asset.extension.rawValue, bytes: bytes,
                resourceID: asset.resourceId)
            if let existing { result[existing] = made } else { result.append(made) }
        }
        guard result.count <= 40 else { throw Errors.invalidParameter("A branding style has at most 40 assets.") }
        return result
    }

    static func wire(_ style: BrandingStyle, merged: Bool) -> ManagedLoginBrandingType {
        var settings = style.settings
        if merged { settings = settings.map { BrandingSettings.merge(BrandingSettings.defaults, $0) } ?? BrandingSettings.defaults }
        return ManagedLoginBrandingType(
            managedLoginBrandingId: style.brandingID, userPoolId: style.poolID, useCognitoProvidedValues: style.useCognitoProvidedValues,
            settings: settings,
            assets: style.assets.map {
                AssetType(
                    category: AssetCategoryType(rawValue: $0.category), colorMode: ColorSchemeModeType(rawValue: $0.colorMode),
                    extension: AssetExtensionType(rawValue: $0.fileExtension), bytes: $0.bytes, resourceId: $0.resourceID)
            },
            creationDate: style.creationDate, lastModifiedDate: style.lastModifiedDate)
    }
}
