import CognateStorage
import CognitoModel

/// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: a confirmed device proves its secret; a remembered one
/// stands in for MFA.
struct DeviceSRPResponder: ChallengeResponder {
    var challenges: [ChallengeNameType] { [.deviceSrpAuth, .devicePasswordVerifier] }

    /// DEVICE_PASSWORD_VERIFIER is named by its secret block. DEVICE_SRP_AUTH may come without a session
    /// (pycognito sends none): its session is then found by user and device.
    func sessionHandle(_ request: ChallengeRequest, auth: AuthService) async throws -> String? {
        if request.challenge == .devicePasswordVerifier { return request.responses["PASSWORD_CLAIM_SECRET_BLOCK"] ?? request.session }
        if let session = request.session { return session }
        guard let key = request.responses["DEVICE_KEY"] else { return nil }
        // A user who cannot be found has no device session to answer; a store that fails is a server error.
        do {
            let user = try await auth.users.find(request.username, pool: request.pool, client: request.client)
            return DeviceAuthentication.handle(pool: request.pool, client: request.client, user: user, deviceKey: key)
        } catch is CognitoError {
            return nil
        }
    }

    func answer(_ step: ChallengeStep) async throws -> AuthOutcome {
        let devices = DeviceAuthentication(deps: step.deps)
        let (user, pool, client, auth) = (step.user, step.pool, step.client, step.auth)
        guard step.challenge == .devicePasswordVerifier else {
            return try await devices.start(step.responses, session: step.session, user: user, pool: pool, client: client)
        }
        let device = try await devices.verify(step.responses, session: step.session, user: user, pool: pool)
        if device.remembered {
            return try await auth.signedIn(user: user, pool: pool, client: client, deviceKey: device.key, source: .authenticateDevice)
        }
        return try await auth.secondFactor(user: user, pool: pool, client: client, deviceKey: device.key, source: .authenticateDevice)
    }
}
