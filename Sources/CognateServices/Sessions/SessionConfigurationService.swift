import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// Get/SetUserPoolSessionConfiguration and Get/SetUserPoolClientSessionConfiguration: whether a pool tracks its
/// users' sessions and how many token sessions a user may hold, and how long each app client silently reuses a
/// managed-login session. Each Set replaces the whole configuration and needs the Essentials or Plus plan.
struct SessionConfigurationService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let tierRefusal = CognitoError(
        .featureUnavailableInTierException, "Session management is not available in the LITE tier; it needs the ESSENTIALS or PLUS feature plan.")

    func register(in table: inout OperationTable) {
        table.register(Operations.GetUserPoolSessionConfiguration.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let configuration = pool.sessionConfiguration ?? .defaults
            return GetUserPoolSessionConfigurationResponse(
                userPoolId: pool.id, userSessionTracking: configuration.tracking ? .enabled : .disabled,
                tokenSession: UserPoolTokenSessionConfigType(maxPerUser: configuration.maxPerUser))
        }
        table.register(Operations.SetUserPoolSessionConfiguration.self) { input, _ in
            let configuration = PoolSessionConfiguration(
                tracking: input.userSessionTracking == .enabled, maxPerUser: input.tokenSession.maxPerUser)
            let pool = try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
                try await deps.storage.updateUserPool(id: input.userPoolId) { pool in
                    if pool.settings.userPoolTier == .lite { throw Self.tierRefusal }
                    pool.sessionConfiguration = configuration
                    pool.lastModifiedDate = deps.clock.now()
                }
            }
            return SetUserPoolSessionConfigurationResponse(
                userPoolId: pool.id, userSessionTracking: input.userSessionTracking, tokenSession: input.tokenSession)
        }
        table.register(Operations.GetUserPoolClientSessionConfiguration.self) { input, _ in
            let client = try await AppClientService(deps).load(input.userPoolId, input.clientId)
            return GetUserPoolClientSessionConfigurationResponse(
                userPoolId: client.poolID, clientId: client.clientID,
                ssoSession: ClientSSOSessionConfigType(
                    maxValidityMinutes: client.ssoSessionMaxValidityMinutes ?? PoolSessionConfiguration.defaultSSOValidityMinutes))
        }
        table.register(Operations.SetUserPoolClientSessionConfiguration.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            if pool.settings.userPoolTier == .lite { throw Self.tierRefusal }
            guard pool.sessionConfiguration?.tracking == true else {
                throw Errors.invalidParameter(
                    "Session tracking is not enabled for user pool \(pool.id). Enable it with SetUserPoolSessionConfiguration first.")
            }
            let minutes = input.ssoSession.maxValidityMinutes
            let client = try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.updateAppClient(poolID: pool.id, clientID: input.clientId) { client in
                    client.ssoSessionMaxValidityMinutes = minutes
                }
            }
            return SetUserPoolClientSessionConfigurationResponse(
                userPoolId: client.poolID, clientId: client.clientID, ssoSession: ClientSSOSessionConfigType(maxValidityMinutes: minutes))
        }
    }
}
