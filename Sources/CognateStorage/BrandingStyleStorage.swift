/// Managed login branding styles, by pool and ID; a client has at most one (`alreadyExists` otherwise).
/// Deleting the client or the pool deletes its style.
public protocol BrandingStyleStorage: Sendable {
    func createBrandingStyle(_ style: BrandingStyle) async throws
    func brandingStyle(poolID: String, brandingID: String) async throws -> BrandingStyle
    func brandingStyle(poolID: String, clientID: String) async throws -> BrandingStyle
    @discardableResult
    func updateBrandingStyle(poolID: String, brandingID: String, _ change: @escaping @Sendable (inout BrandingStyle) throws -> Void)
        async throws -> BrandingStyle
    func deleteBrandingStyle(poolID: String, brandingID: String) async throws
}
