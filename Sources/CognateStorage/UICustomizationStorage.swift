/// Branding of the classic pages, by pool and client (`ALL` for the pool). Deleting the pool deletes it.
public protocol UICustomizationStorage: Sendable {
    /// Stores the branding, replacing what the pool and client had.
    func putUICustomization(_ customization: UICustomization) async throws
    func uiCustomization(poolID: String, clientID: String) async throws -> UICustomization
}
