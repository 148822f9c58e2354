import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// Device tracking at sign-in: a new device key (NewDeviceMetadata) for a sign-in from an unknown device,
/// and Cognito's device SRP (DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER) for a confirmed one, which
/// stands in for MFA when the device is remembered.
struct DeviceAuthentication {
    let deps: ServiceDependencies

    /// Unconfirmed devices kept per user; older ones are dropped as new ones are handed out.
    static let unconfirmedLimit = 10

    var sessions: SessionStore { SessionStore(deps: deps) }

    static func tracksDevices(_ pool: UserPool) -> Bool { pool.settings.deviceConfiguration != nil }

    /// DEVICE_SRP_AUTH, when the sign-in names a confirmed device of the user. Clients answer it with or
    /// without the session (pycognito sends none), so the session is found by user and device as well.
    func challenge(deviceKey: String?, user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome? {
        guard Self.tracksDevices(pool), let device = user.device(deviceKey), device.isConfirmed else { return nil }
        let handle = Self.handle(pool: pool, client: client, user: user, deviceKey: device.key)
        _ = try await StorageError.ifPresent({ try await deps.storage.takeSession(id: OpaqueToken.hash(handle)) })
        _ = try await sessions.create(
            challenge: .deviceSrpAuth, user: user, pool: pool, client: client,
            state: SignInState(deviceKey: device.key), handle: handle)
        return AuthOutcome(
            challengeName: .deviceSrpAuth, session: handle,
            parameters: ["USERNAME": user.username, "DEVICE_KEY": device.key])
    }

    static func handle(pool: UserPool, client: AppClient, user: User, deviceKey: String) -> String {
        "device-srp." + [pool.id, client.clientID, user.usernameKey, deviceKey].joined(separator: ".")
    }

    /// DEVICE_SRP_AUTH answered with the device's SRP_A: DEVICE_PASSWORD_VERIFIER with SRP_B and the device's salt.
    func start(_ responses: [String: String], session: AuthSession, user: User, pool: UserPool, client: AppClient) async throws -> AuthOutcome {
        let key = try AuthService.required("DEVICE_KEY", responses)
        guard key == session.state.deviceKey, let device = user.device(key), let verifier = device.verifier,
            let salt = device.saltHex
        else { throw CognitoError(.notAuthorizedException, "Device does not exist.") }
        let (srp, srpB, secretBlock) = try SRPExchange(deps: deps).start(
            srpA: try AuthService.required("SRP_A", responses), verifier: Array(verifier))
        _ = try await sessions.create(
            challenge: .devicePasswordVerifier, user: user, pool: pool, client: client,
            state: SignInState(deviceKey: key).with { $0.srp = srp },
            handle: secretBlock)
        return AuthOutcome(
            challengeName: .devicePasswordVerifier, session: secretBlock,
            parameters: [
                "SRP_B": srpB, "SALT": salt, "SECRET_BLOCK": secretBlock, "USERNAME": user.username, "DEVICE_KEY": key,
            ])
    }

    /// DEVICE_PASSWORD_VERIFIER: the claim signed with the device's secret. Answers the device.
    func verify(_ responses: [String: String], session: AuthSession, user: User, pool: UserPool) async throws -> Device {
        let failure = CognitoError(.notAuthorizedException, "Incorrect username or password.")
        guard let key = session.state.deviceKey, responses["DEVICE_KEY"] == nil || responses["DEVICE_KEY"] == key,
            let device = user.device(key), let verifier = device.verifier
        else { throw failure }
        let policy = SignInPolicy(deps: deps)
        try policy.admit(user)
        let holds = try SRPExchange(deps: deps).claimHolds(
            responses, srp: session.state.srp, verifier: Array(verifier), signingName: device.groupKey, userID: device.key)
        try await policy.require(holds, user: user, pool: pool, failure: failure)
        let now = deps.clock.now()
        try await UserAdminService(deps).update(pool, user) { user in
            if let index = user.devices?.firstIndex(where: { $0.key == key }) { user.devices?[index].lastAuthenticatedAt = now }
        }
        return device
    }

    /// Hands out a new device for a sign-in from a device the pool does not know yet.
    func register(user: User, pool: UserPool) async throws -> NewDeviceMetadataType {
        let region = pool.id.split(separator: "_").first.map(String.init) ?? deps.configuration.defaultRegion
        let device = Device(
            key: region + "_" + deps.random.uuid(), groupKey: "-" + deps.random.string(9, from: Alphabets.alphanumeric),
            createdAt: deps.clock.now())
        try await UserAdminService(deps).update(pool, user) { user in
            var devices = user.devices ?? []
            devices.append(device)
            let unconfirmed = devices.filter { !$0.isConfirmed }
            if unconfirmed.count > Self.unconfirmedLimit {
                let dropped = Set(unconfirmed.prefix(unconfirmed.count - Self.unconfirmedLimit).map(\.key))
                devices.removeAll { dropped.contains($0.key) }
            }
            user.devices = devices
        }
        return NewDeviceMetadataType(deviceKey: device.key, deviceGroupKey: device.groupKey)
    }
}
