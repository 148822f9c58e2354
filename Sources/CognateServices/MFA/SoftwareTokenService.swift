import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// AssociateSoftwareToken and VerifySoftwareToken: registering a TOTP authenticator, either for a
/// signed-in user (access token) or during a sign-in that must set up MFA first (the MFA_SETUP session).
struct SoftwareTokenService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// Bytes of a new secret: 32, which base32 renders as 52 characters, as Cognito's are.
    static let secretBytes = 32
    static let mismatch = CognitoError(.enableSoftwareTokenMFAException, "Code mismatch and fail enable Software Token MFA")

    var sessions: SessionStore { SessionStore(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.AssociateSoftwareToken.self) { input, _ in
            let secret = Base32.encode(deps.random.bytes(Self.secretBytes))
            switch (input.accessToken, input.session) {
            case (let token?, nil):
                let (pool, user, _) = try await AccessTokenVerifier(deps: deps).verify(token)
                try Self.requireOffered(pool)
                try await RecoveryPause.refuse(poolID: pool.id, deps)
                try await UserAdminService(deps).update(pool, user) { user in
                    var mfa = user.mfa ?? UserMFA()
                    mfa.pendingSecret = secret
                    user.mfa = mfa
                }
                return AssociateSoftwareTokenResponse(secretCode: secret)
            case (nil, let handle?):
                let (secret, next) = try await associate(session: handle, secret: secret)
                return AssociateSoftwareTokenResponse(secretCode: secret, session: next)
            default:
                throw Errors.invalidParameter("Provide either an access token or a session, not both.")
            }
        }
        table.register(Operations.VerifySoftwareToken.self) { input, _ in
            switch (input.accessToken, input.session) {
            case (let token?, nil):
                let (pool, user, _) = try await AccessTokenVerifier(deps: deps).verify(token)
                guard let secret = user.mfa?.pendingSecret else {
                    throw CognitoError(.softwareTokenMFANotFoundException, "No software token is associated with the user.")
                }
                try await register(secret, code: input.userCode, name: input.friendlyDeviceName, pool: pool, user: user)
                return VerifySoftwareTokenResponse(status: .success)
            case (nil, let handle?):
                let next = try await verify(session: handle, code: input.userCode, name: input.friendlyDeviceName)
                return VerifySoftwareTokenResponse(status: .success, session: next)
            default:
                throw Errors.invalidParameter("Provide either an access token or a session, not both.")
            }
        }
    }

    /// AssociateSoftwareToken in a sign-in that must set up MFA (the MFA_SETUP session): a new secret, held
    /// in the renewed session. The managed login pages call it as the API does.
    func associate(session handle: String, secret: String? = nil) async throws -> (secret: String, session: String) {
        let secret = secret ?? Base32.encode(deps.random.bytes(Self.secretBytes))
        let stored = try await sessions.take(handle)
        guard stored.challenge == .mfaSetup else { throw SessionStore.expired }
        let pool = try await UserPoolService(deps).load(stored.poolID)
        try Self.requireOffered(pool)
        return (secret, try await sessions.renew(stored, challenge: .mfaSetup) { $0.softwareTokenSecret = secret })
    }

    /// VerifySoftwareToken in that sign-in: the first code makes the secret the user's; the renewed session
    /// then completes the MFA_SETUP challenge. A wrong code leaves the session as it was.
    func verify(session handle: String, code: String, name: String?) async throws -> String {
        let stored = try await sessions.take(handle)
        guard stored.challenge == .mfaSetup, let secret = stored.state.softwareTokenSecret else {
            throw SessionStore.expired
        }
        let pool = try await UserPoolService(deps).load(stored.poolID)
        let user = try await StorageError.map(notFound: Errors.userNotFound) {
            try await deps.storage.user(poolID: pool.id, usernameKey: stored.usernameKey)
        }
        do {
            try await register(secret, code: code, name: name, pool: pool, user: user)
        } catch let error as CognitoError where error == Self.mismatch {
            try await sessions.restore(stored)
            throw error
        }
        return try await sessions.renew(stored, challenge: .mfaSetup) { $0.softwareTokenVerified = true }
    }

    static func requireOffered(_ pool: UserPool) throws(CognitoError) {
        guard pool.settings.mfaFactors.contains(.softwareToken) else {
            throw CognitoError(.softwareTokenMFANotFoundException, "Software Token MFA has not been enabled by the userPool.")
        }
    }

    /// Checks the first code from the authenticator and makes it the user's software token (TOTP MFA on).
    private func register(_ secret: String, code: String, name: String?, pool: UserPool, user: User) async throws {
        guard let key = Base32.decode(secret), let step = TOTP.matchingStep(code, secret: key, at: deps.clock.now()) else {
            throw Self.mismatch
        }
        let now = deps.clock.now()
        try await UserAdminService(deps).update(pool, user) { user in
            var mfa = user.mfa ?? UserMFA()
            var token = SoftwareToken(secret: secret, friendlyName: name, verifiedAt: now)
            token.lastUsedStep = step
            mfa.softwareToken = token
            mfa.pendingSecret = nil
            mfa.set(.softwareToken, enabled: true)
            user.mfa = mfa
        }
    }
}
