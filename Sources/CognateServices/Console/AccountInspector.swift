import CognateStorage
import Foundation

/// What the admin console shows of a user beyond the API's answers: their refresh tokens (as records,
/// never usable tokens) and the messages sent to them.
public struct AccountInspector: Sendable {
    let deps: ServiceDependencies

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
    }

    /// One refresh token of a user, and where it stands now.
    public struct Token: Sendable {
        public enum State: String, Sendable {
            case live, rotated, revoked, expired
        }

        public var clientID: String
        public var issuedAt: Date
        public var expiresAt: Date
        public var state: State
        /// The OAuth scopes granted at the sign-in; nil for API sign-ins.
        public var scopes: [String]?
        public var deviceKey: String?
    }

    /// The user's refresh tokens, newest first. `username` is the user's username as AdminGetUser answers it.
    public func refreshTokens(poolID: String, username: String) async throws -> [Token] {
        let pool = try await deps.storage.userPool(id: poolID)
        let now = deps.clock.now()
        return try await deps.storage.refreshTokens(
            poolID: poolID, usernameKey: UserDirectory(pool: pool, storage: deps.storage).usernameKey(username)
        )
        .map { record in
            let state: Token.State =
                record.revoked ? .revoked : record.expiresAt <= now ? .expired : record.rotatedAt != nil ? .rotated : .live
            return Token(
                clientID: record.clientID, issuedAt: record.issuedAt, expiresAt: record.expiresAt, state: state, scopes: record.scopes,
                deviceKey: record.deviceKey)
        }
    }

    /// Whether messages are kept (the outbox exists only with the test endpoints).
    public var keepsOutbox: Bool { deps.configuration.keepsOutbox }

    /// Messages kept in the outbox, newest first: of one pool, or of one user of it.
    public func messages(poolID: String? = nil, username: String? = nil, limit: Int = 200) async throws -> [OutboxMessage] {
        guard keepsOutbox else { return [] }
        let all = try await deps.storage.listMessages(poolID: poolID, recipient: nil)
        return Array(all.reversed().lazy.filter { username == nil || $0.username == username }.prefix(limit))
    }
}
