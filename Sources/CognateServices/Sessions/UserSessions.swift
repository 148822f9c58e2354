import CognateStorage
import CognitoModel
import Foundation

/// Session management's rules, in one place: which sign-ins start a token or SSO session (only while the pool
/// tracks sessions), how activity moves them, the per-user maximum, and what ending a session does — its refresh
/// tokens are revoked (and with them the access tokens they issued) or its managed-login cookie session ends.
struct UserSessions {
    let deps: ServiceDependencies

    static func tracks(_ pool: UserPool) -> Bool { pool.sessionConfiguration?.tracking == true }

    /// An ID of AWS's form: the kind's prefix and 25 lowercase letters and digits.
    func newID(_ kind: UserSession.Kind) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let body = String((0..<25).map { _ in alphabet[deps.random.int(below: alphabet.count)] })
        return (kind == .token ? "tkn" : "sso") + body
    }

    private func activity() -> (device: String, ip: String?) {
        let origin = RequestOrigin.current
        return (RequestOrigin.deviceType(origin?.userAgent), origin?.ipAddress.map { String($0.prefix(128)) })
    }

    /// A new token session for a sign-in that issues a refresh token, or nil when the pool does not track
    /// sessions. At the user's maximum, the least recently active token sessions end first.
    func startTokenSession(pool: UserPool, client: AppClient, user: User, originSessionID: String?, expiresAt: Date) async throws -> String? {
        guard Self.tracks(pool) else { return nil }
        let maximum = pool.sessionConfiguration?.maxPerUser ?? PoolSessionConfiguration.defaults.maxPerUser
        let tokens = try await active(pool: pool, user: user).filter { $0.kind == .token }
            .sorted { ($0.lastActiveAt, $0.createdAt) < ($1.lastActiveAt, $1.createdAt) }
        for evicted in tokens.prefix(max(0, tokens.count - maximum + 1)) { try await end(evicted, linked: false) }
        let now = deps.clock.now()
        let (device, ip) = activity()
        let session = UserSession(
            id: newID(.token), kind: .token, poolID: pool.id, usernameKey: user.usernameKey, clientID: client.clientID,
            originSessionID: originSessionID, createdAt: now, lastActiveAt: now, deviceType: device, lastIPAddress: ip, expiresAt: expiresAt)
        try await deps.storage.createUserSession(session)
        if let originSessionID {
            // A token grant is the SSO session's activity too; the grant's request (the app's back end) says nothing
            // of the user's browser, so the device and address stay the browser's.
            _ = try await StorageError.ifPresent {
                try await deps.storage.updateUserSession(id: originSessionID) { $0.lastActiveAt = now }
            }
        }
        return session.id
    }

    /// A new SSO session for a managed-login cookie session, when the pool tracks sessions.
    func startSSOSession(pool: UserPool, client: AppClient, user: User, loginSessionHash: String, expiresAt: Date) async throws -> String? {
        guard Self.tracks(pool) else { return nil }
        let now = deps.clock.now()
        let (device, ip) = activity()
        let session = UserSession(
            id: newID(.sso), kind: .sso, poolID: pool.id, usernameKey: user.usernameKey, clientID: client.clientID,
            loginSessionHash: loginSessionHash, createdAt: now, lastActiveAt: now, deviceType: device, lastIPAddress: ip, expiresAt: expiresAt)
        try await deps.storage.createUserSession(session)
        return session.id
    }

    /// The SSO session of a managed-login cookie session, if it is tracked.
    func ssoSession(loginSessionHash: String) async throws -> UserSession? {
        try await StorageError.ifPresent { try await deps.storage.userSession(loginSessionHash: loginSessionHash) }
    }

    /// Activity on a session (a refresh, a rotation, a token grant): its last activity, device and address move;
    /// `expiresAt` follows a rotation's new refresh token. A session that has ended stays ended.
    func touch(_ id: String?, expiresAt: Date? = nil) async throws {
        guard let id else { return }
        let now = deps.clock.now()
        let (device, ip) = activity()
        _ = try await StorageError.ifPresent {
            try await deps.storage.updateUserSession(id: id) { session in
                session.lastActiveAt = now
                session.deviceType = device
                if let ip { session.lastIPAddress = ip }
                if let expiresAt { session.expiresAt = max(session.expiresAt, expiresAt) }
            }
        }
    }

    /// Whether a session a refresh token or access token belongs to still holds.
    func holds(_ id: String?) async throws -> Bool {
        guard let id else { return true }
        return try await StorageError.ifPresent { try await deps.storage.userSession(id: id) } != nil
    }

    /// A user's active sessions; ended ones (expired, or whose cookie session is gone) are deleted on the way. While
    /// the pool does not track sessions none are listed.
    func active(pool: UserPool, user: User) async throws -> [UserSession] {
        guard Self.tracks(pool) else { return [] }
        let now = deps.clock.now()
        var live: [UserSession] = []
        for session in try await deps.storage.userSessions(poolID: pool.id, usernameKey: user.usernameKey) {
            var ended = session.expiresAt <= now
            if !ended, session.kind == .sso, let hash = session.loginSessionHash {
                let cookie = try await StorageError.ifPresent { try await deps.storage.loginSession(hash: hash) }
                ended = cookie == nil || cookie!.expiresAt <= now
            }
            if ended { try await deps.storage.deleteUserSession(id: session.id) } else { live.append(session) }
        }
        return live
    }

    /// Ends a session: a token session's refresh tokens are revoked (its access tokens with them), an SSO
    /// session's cookie session ends. `linked`: a token session's SSO session ends too, an SSO session's token
    /// sessions too.
    func end(_ session: UserSession, linked: Bool) async throws {
        try await deps.storage.deleteUserSession(id: session.id)
        switch session.kind {
        case .token:
            for record in try await deps.storage.refreshTokens(poolID: session.poolID, usernameKey: session.usernameKey)
            where record.sessionID == session.id && !record.revoked {
                _ = try await StorageError.ifPresent { try await deps.storage.revokeRefreshToken(hash: record.tokenHash) }
            }
            if linked, let origin = session.originSessionID,
                let parent = try await StorageError.ifPresent({ try await deps.storage.userSession(id: origin) })
            {
                try await end(parent, linked: false)
            }
        case .sso:
            if let hash = session.loginSessionHash { try await deps.storage.deleteLoginSession(hash: hash) }
            if linked {
                for child in try await deps.storage.userSessions(poolID: session.poolID, usernameKey: session.usernameKey)
                where child.originSessionID == session.id {
                    try await end(child, linked: false)
                }
            }
        }
    }

    /// Revokes one refresh token (RevokeToken, the revocation endpoint): with its tracked token session, the
    /// whole session ends; `linked` ends the SSO session it came through too (not its sibling token sessions).
    func revoke(_ record: RefreshTokenRecord, linked: Bool) async throws {
        try await deps.storage.revokeRefreshToken(hash: record.tokenHash)
        if let id = record.sessionID, let session = try await StorageError.ifPresent({ try await deps.storage.userSession(id: id) }) {
            try await end(session, linked: linked)
        }
    }

    /// A sign-out of everything (GlobalSignOut, AdminUserGlobalSignOut, a disabled user), which revokes every refresh
    /// token: every token session goes. SSO sessions stay, as the managed-login cookie does (AWS: a global sign-out
    /// "doesn't clear the managed login session cookie").
    func endAll(poolID: String, usernameKey: String) async throws {
        for session in try await deps.storage.userSessions(poolID: poolID, usernameKey: usernameKey) where session.kind == .token {
            try await deps.storage.deleteUserSession(id: session.id)
        }
    }
}
