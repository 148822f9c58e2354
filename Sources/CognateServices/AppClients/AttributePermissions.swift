import CognateStorage
import CognitoModel

/// What an app client may read and write of its users' own attributes: its ReadAttributes and
/// WriteAttributes. Without a list, a client reads and writes every attribute of the schema; with one,
/// only those named. Verification flags (`email_verified`, `phone_number_verified`) and developer-only
/// attributes (`dev:custom:…`) are never written by a client, whatever its list says: a user could
/// otherwise vouch for an address they do not own.
struct AttributePermissions {
    let client: AppClient

    static let unauthorized = CognitoError(.notAuthorizedException, "A client attempted to write unauthorized attribute")

    /// Refuses the write when any of `names` is not the client's to write.
    func checkWrite(_ names: some Sequence<String>) throws(CognitoError) {
        let writable = client.settings.writeAttributes.map(Set.init)
        for name in names {
            if name.hasSuffix("_verified") || name.hasPrefix("dev:") { throw Self.unauthorized }
            if let writable, !writable.contains(name) { throw Self.unauthorized }
        }
    }

    /// Refuses a federated sign-in's write of mapped attributes the client may not write. The provider
    /// vouches for the verification flags it sends, so those are allowed here when the client's list has them
    /// (or it has no list).
    func checkMappedWrite(_ names: some Sequence<String>) throws(CognitoError) {
        let writable = client.settings.writeAttributes.map(Set.init)
        for name in names {
            if name.hasPrefix("dev:") { throw Self.unauthorized }
            if let writable, !writable.contains(name) { throw Self.unauthorized }
        }
    }

    /// Whether the client sees this attribute (GetUser, the ID token, challenge parameters).
    func canRead(_ name: String) -> Bool {
        if name == "sub" { return true }
        if name.hasPrefix("dev:") { return false }
        return client.settings.readAttributes.map { $0.contains(name) } ?? true
    }

    func readable(_ attributes: [UserAttribute]) -> [UserAttribute] {
        attributes.filter { canRead($0.name) }
    }
}
