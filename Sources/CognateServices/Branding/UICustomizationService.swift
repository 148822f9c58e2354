import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// SetUICustomization and GetUICustomization: CSS and a logo for the classic pages, per app client or for
/// the whole pool (`ALL`); a client's own branding wins over the pool's.
public struct UICustomizationService: Sendable {
    let deps: ServiceDependencies
    public init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.SetUICustomization.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let clientID = try await clientKey(input.clientId, pool: pool)
            if try await deps.storage.domains(poolID: pool.id).isEmpty {
                throw Errors.invalidParameter("A domain must be associated with this user pool.")
            }
            if let css = input.css, css.contains("<") {
                throw Errors.invalidParameter("The CSS is not valid: it may contain no '<'.")
            }
            if let image = input.imageFile, !Self.isPNG(image), !Self.isJPEG(image) {
                throw Errors.invalidParameter("The image file must be a PNG or a JPEG.")
            }
            let now = deps.clock.now()
            let created =
                (try await StorageError.ifPresent({ try await deps.storage.uiCustomization(poolID: pool.id, clientID: clientID) }))?.creationDate
                ?? now
            let record = UICustomization(
                poolID: pool.id, clientID: clientID, css: input.css, image: input.imageFile,
                version: String(Int64(now.timeIntervalSince1970 * 1000)), creationDate: created, lastModifiedDate: now)
            try await StorageError.map(notFound: Errors.poolNotFound(pool.id)) { try await deps.storage.putUICustomization(record) }
            return SetUICustomizationResponse(uiCustomization: wire(record))
        }
        table.register(Operations.GetUICustomization.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let clientID = try await clientKey(input.clientId, pool: pool)
            let record = try await StorageError.ifPresent({ try await deps.storage.uiCustomization(poolID: pool.id, clientID: clientID) })
            let fallback =
                clientID == UICustomization.allClients
                ? nil
                : try await StorageError.ifPresent({ try await deps.storage.uiCustomization(poolID: pool.id, clientID: UICustomization.allClients) })
            guard let found = record ?? fallback else { return GetUICustomizationResponse(uiCustomization: UICustomizationType()) }
            return GetUICustomizationResponse(uiCustomization: wire(found))
        }
    }

    /// The key a request names: a client of the pool, or `ALL`.
    private func clientKey(_ clientID: String?, pool: UserPool) async throws -> String {
        guard let clientID, clientID != UICustomization.allClients else { return UICustomization.allClients }
        _ = try await StorageError.map(notFound: Errors.clientNotFound(clientID)) {
            try await deps.storage.appClient(poolID: pool.id, clientID: clientID)
        }
        return clientID
    }

    func wire(_ record: UICustomization) -> UICustomizationType {
        UICustomizationType(
            userPoolId: record.poolID, clientId: record.clientID,
            imageUrl: record.image.map { _ in Self.imagePath(record) }
                .map { deps.configuration.publicBaseURL + $0 },
            css: record.css, cssVersion: record.version, lastModifiedDate: record.lastModifiedDate, creationDate: record.creationDate)
    }

    /// Where the logo is served; the version makes every upload a new URL.
    public static func imagePath(_ record: UICustomization) -> String {
        "/ui/\(record.poolID)/\(record.clientID)/\(record.version)/logo"
    }

    /// The branding the pages of this client show: its own, else the pool's.
    public func branding(for client: AppClient) async throws -> UICustomization? {
        if let own = try await StorageError.ifPresent({ try await deps.storage.uiCustomization(poolID: client.poolID, clientID: client.clientID) }) {
            return own
        }
        return try await StorageError.ifPresent({
            try await deps.storage.uiCustomization(poolID: client.poolID, clientID: UICustomization.allClients)
        })
    }

    /// The logo behind an image path, with its content type.
    public func image(poolID: String, clientID: String, version: String) async throws -> (Data, String)? {
        guard let record = try await StorageError.ifPresent({ try await deps.storage.uiCustomization(poolID: poolID, clientID: clientID) }),
            record.version == version,
            let image = record.image
        else { return nil }
        return (image, Self.isPNG(image) ? "image/png" : "image/jpeg")
    }

    static func isPNG(_ data: Data) -> Bool { data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
    static func isJPEG(_ data: Data) -> Bool { data.starts(with: [0xFF, 0xD8, 0xFF]) }
}
