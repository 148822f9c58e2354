import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// A user's remembered devices: ConfirmDevice, GetDevice, ListDevices, ForgetDevice, UpdateDeviceStatus and
/// their Admin forms.
struct DeviceService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let notFound = CognitoError(.resourceNotFoundException, "Device does not exist.")
    static let maxPageSize = 60

    var admin: UserAdminService { UserAdminService(deps) }
    var verifier: AccessTokenVerifier { AccessTokenVerifier(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.ConfirmDevice.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            return try await confirm(input, pool: pool, user: user)
        }
        table.register(Operations.GetDevice.self) { input, _ in
            let (_, user, _) = try await verifier.verify(try Self.token(input.accessToken))
            return GetDeviceResponse(device: try Self.confirmed(input.deviceKey, of: user).wire)
        }
        table.register(Operations.AdminGetDevice.self) { input, _ in
            let (_, user) = try await admin.find(input.userPoolId, input.username)
            return AdminGetDeviceResponse(device: try Self.confirmed(input.deviceKey, of: user).wire)
        }
        table.register(Operations.ListDevices.self) { input, _ in
            let (_, user, _) = try await verifier.verify(input.accessToken)
            let page = try Self.page(user, limit: input.limit, token: input.paginationToken)
            return ListDevicesResponse(devices: page.devices, paginationToken: page.token)
        }
        table.register(Operations.AdminListDevices.self) { input, _ in
            let (_, user) = try await admin.find(input.userPoolId, input.username)
            let page = try Self.page(user, limit: input.limit, token: input.paginationToken)
            return AdminListDevicesResponse(devices: page.devices, paginationToken: page.token)
        }
        table.register(Operations.ForgetDevice.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(try Self.token(input.accessToken))
            try await forget(input.deviceKey, pool: pool, user: user)
            return .init()
        }
        table.register(Operations.AdminForgetDevice.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            try await forget(input.deviceKey, pool: pool, user: user)
            return .init()
        }
        table.register(Operations.UpdateDeviceStatus.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            try await setStatus(input.deviceKey, input.deviceRememberedStatus, pool: pool, user: user)
            return .init()
        }
        table.register(Operations.AdminUpdateDeviceStatus.self) { input, _ in
            let (pool, user) = try await admin.find(input.userPoolId, input.username)
            try await setStatus(input.deviceKey, input.deviceRememberedStatus, pool: pool, user: user)
            return .init()
        }
    }

    static func token(_ token: String?) throws(CognitoError) -> String {
        guard let token, !token.isEmpty else { throw Errors.invalidParameter("AccessToken is required.") }
        return token
    }

    static func confirmed(_ key: String, of user: User) throws(CognitoError) -> Device {
        guard let device = user.device(key), device.isConfirmed else { throw notFound }
        return device
    }

    /// ConfirmDevice: stores the device's SRP verifier and salt, remembered unless the pool leaves that to the user.
    private func confirm(_ input: ConfirmDeviceRequest, pool: UserPool, user: User) async throws -> ConfirmDeviceResponse {
        guard user.device(input.deviceKey) != nil else { throw Self.notFound }
        guard let config = input.deviceSecretVerifierConfig,
            let verifier = config.passwordVerifier.flatMap({ Data(base64Encoded: $0) }), verifier.contains(where: { $0 != 0 }),
            let salt = config.salt.flatMap({ Data(base64Encoded: $0) }), !salt.isEmpty
        else {
            throw Errors.invalidParameter("DeviceSecretVerifierConfig needs a base64 PasswordVerifier and Salt.")
        }
        let onPrompt = pool.settings.deviceConfiguration?.deviceOnlyRememberedOnUserPrompt == true
        let now = deps.clock.now()
        try await admin.update(pool, user) { user in
            guard let index = user.devices?.firstIndex(where: { $0.key == input.deviceKey }) else { throw Self.notFound }
            user.devices?[index].verifier = verifier
            user.devices?[index].saltHex = BigEndian.hex(salt)
            user.devices?[index].name = input.deviceName
            user.devices?[index].remembered = !onPrompt
            user.devices?[index].lastModifiedAt = now
            user.devices?[index].lastAuthenticatedAt = now
        }
        return ConfirmDeviceResponse(userConfirmationNecessary: onPrompt)
    }

    private func forget(_ key: String, pool: UserPool, user: User) async throws {
        try await admin.update(pool, user) { user in
            guard user.device(key) != nil else { throw Self.notFound }
            user.devices?.removeAll { $0.key == key }
        }
    }

    private func setStatus(_ key: String, _ status: DeviceRememberedStatusType?, pool: UserPool, user: User) async throws {
        guard let status, [.remembered, .notRemembered].contains(status) else {
            throw Errors.invalidParameter("DeviceRememberedStatus must be remembered or not_remembered.")
        }
        let now = deps.clock.now()
        try await admin.update(pool, user) { user in
            guard let index = user.devices?.firstIndex(where: { $0.key == key }), user.devices?[index].isConfirmed == true else {
                throw Self.notFound
            }
            user.devices?[index].remembered = status == .remembered
            user.devices?[index].lastModifiedAt = now
        }
    }

    /// Confirmed devices, oldest first; the pagination token is the key of the last device of the page.
    static func page(_ user: User, limit: Int?, token: String?) throws(CognitoError) -> (devices: [DeviceType], token: String?) {
        let devices = (user.devices ?? []).filter(\.isConfirmed)
        var start = 0
        if let token {
            guard let index = devices.firstIndex(where: { $0.key == token }) else {
                throw Errors.invalidParameter("The pagination token is not valid.")
            }
            start = index + 1
        }
        let size = min(max(limit ?? maxPageSize, 1), maxPageSize)
        let slice = Array(devices[start..<min(start + size, devices.count)])
        let next = start + slice.count < devices.count ? slice.last?.key : nil
        return (slice.map(\.wire), next)
    }
}

extension Device {
    /// The device as the API shows it.
    var wire: DeviceType {
        var attributes = [
            AttributeType(name: "device_status", value: "valid"),
            AttributeType(name: "dev:device_remembered_status", value: remembered ? "remembered" : "not_remembered"),
        ]
        if let name { attributes.append(AttributeType(name: "device_name", value: name)) }
        return DeviceType(
            deviceKey: key, deviceAttributes: attributes, deviceCreateDate: createdAt,
            deviceLastModifiedDate: lastModifiedAt, deviceLastAuthenticatedDate: lastAuthenticatedAt)
    }
}
