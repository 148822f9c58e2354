import CognateStorage
import CognitoModel

/// What a request's body says of the user's device, for threat protection to evaluate instead of the request's
/// own address: `UserContextData` on the operations an app calls (taken only from an app client with a secret
/// and `EnablePropagateAdditionalUserContextData`, as AWS documents), `ContextData` on the administrators'
/// (AdminInitiateAuth, AdminRespondToAuthChallenge), from the server that relays the user's request. Set
/// around the operation (a task-local value); read where an event is recorded.
struct ClaimedContext: Sendable, Equatable {
    enum Source: Sendable, Equatable {
        /// UserContextData, from the app itself.
        case app
        /// ContextData, from the application's server.
        case server
    }

    var ipAddress: String?
    var source: Source

    @TaskLocal static var current: ClaimedContext?

    static func with<T>(_ data: UserContextDataType?, _ body: () async throws -> T) async throws -> T {
        guard let data, data.ipAddress != nil else { return try await body() }
        return try await $current.withValue(ClaimedContext(ipAddress: data.ipAddress, source: .app), operation: body)
    }

    static func with<T>(_ data: ContextDataType?, _ body: () async throws -> T) async throws -> T {
        guard let data else { return try await body() }
        return try await $current.withValue(ClaimedContext(ipAddress: data.ipAddress, source: .server), operation: body)
    }

    /// The address to evaluate for a request through `client`: the claimed one where it counts (checked to be
    /// an IP address), else nil (the request's own).
    static func address(for client: AppClient?) throws(CognitoError) -> String? {
        guard let claimed = current, let address = claimed.ipAddress else { return nil }
        if claimed.source == .app {
            guard let client, !client.secrets.isEmpty, client.settings.enablePropagateAdditionalUserContextData == true else { return nil }
        }
        guard IPAddress(address) != nil else {
            throw Errors.invalidParameter("IpAddress is not a valid IPv4 or IPv6 address.")
        }
        return address
    }
}
