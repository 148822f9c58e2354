import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// AdminListUserSessions, ListUserSessions, AdminRevokeUserSession and RevokeUserSession: a user's tracked
/// sessions across the pool's app clients, and ending one (with the sessions linked to it, on request).
struct UserSessionService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let notFound = CognitoError(.resourceNotFoundException, "Session not found.")
    static let ownSession = Errors.invalidParameter("You can't revoke the session that the access token belongs to.")

    func register(in table: inout OperationTable) {
        let sessions = UserSessions(deps: deps)
        table.register(Operations.AdminListUserSessions.self) { input, _ in
            let (pool, user) = try await UserAdminService(deps).find(input.userPoolId, input.username)
            return AdminListUserSessionsResponse(sessions: try await sessions.active(pool: pool, user: user).map { try describe($0, current: nil) })
        }
        table.register(Operations.ListUserSessions.self) { input, _ in
            let (pool, user, current) = try await caller(input.accessToken)
            return ListUserSessionsResponse(sessions: try await sessions.active(pool: pool, user: user).map { try describe($0, current: current) })
        }
        table.register(Operations.AdminRevokeUserSession.self) { input, _ in
            let (pool, user) = try await UserAdminService(deps).find(input.userPoolId, input.username)
            try await revoke(input.sessionId, of: user, in: pool, linked: input.revokeAssociatedSessions == .linked)
            return AdminRevokeUserSessionResponse()
        }
        table.register(Operations.RevokeUserSession.self) { input, _ in
            let (pool, user, current) = try await caller(input.accessToken)
            if input.sessionId == current { throw Self.ownSession }
            try await revoke(input.sessionId, of: user, in: pool, linked: input.revokeAssociatedSessions == .linked)
            return RevokeUserSessionResponse()
        }
    }

    /// The user an access token speaks for, and the tracked token session it belongs to.
    private func caller(_ accessToken: String) async throws -> (pool: UserPool, user: User, session: String?) {
        let (pool, user, claims) = try await AccessTokenVerifier(deps: deps).verify(accessToken)
        guard let origin = claims["origin_jti"]?.string else { return (pool, user, nil) }
        let record = try await StorageError.ifPresent { try await deps.storage.refreshToken(originJTI: origin) }
        return (pool, user, record?.sessionID)
    }

    /// Ends one of `user`'s sessions. A session ID that is unknown, ended, or another user's is not found: the
    /// answer does not tell which.
    private func revoke(_ id: String, of user: User, in pool: UserPool, linked: Bool) async throws {
        guard let session = try await StorageError.ifPresent({ try await deps.storage.userSession(id: id) }),
            session.poolID == pool.id, session.usernameKey == user.usernameKey,
            try await UserSessions(deps: deps).active(pool: pool, user: user).contains(where: { $0.id == id })
        else { throw Self.notFound }
        try await UserSessions(deps: deps).end(session, linked: linked)
    }

    /// A session as the list operations describe it, placed by its last address in the operator's geo-IP
    /// database. What cannot be placed (no database, an address it does not cover) has the country `unknown` and
    /// no city, as AWS reports what it cannot place.
    func describe(_ session: UserSession, current: String?) throws -> SessionDescriptionType {
        let location = try session.lastIPAddress.flatMap { try deps.geoIP?.locate($0) }
        return SessionDescriptionType(
            sessionId: session.id, sessionType: session.kind == .token ? .token : .sso, clientId: session.clientID, createDate: session.createdAt,
            lastActiveDate: session.lastActiveAt, deviceType: session.deviceType, lastIPAddress: session.lastIPAddress,
            lastLocation: SessionLocationType(city: location?.city, country: location?.country ?? "unknown"),
            originSessionId: session.kind == .token ? session.originSessionID : nil, isCurrentSession: session.id == current)
    }
}
