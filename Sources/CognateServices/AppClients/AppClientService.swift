import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// Create/Describe/Update/Delete/ListUserPoolClients and the client-secret operations.
struct AppClientService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// A client holds at most this many secrets at once (two, to rotate without downtime).
    static let maxSecrets = 2
    static let maxClients = 1_000

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateUserPoolClient.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            // AWS's quota: 1,000 app clients per user pool.
            if try await deps.storage.listAppClients(poolID: pool.id, PageRequest(limit: Self.maxClients)).items.count >= Self.maxClients {
                throw CognitoError(.limitExceededException, "A user pool can have at most \(Self.maxClients) app clients.")
            }
            let ids = Identifiers(random: deps.random)
            let pinned = pool.tags[UserPoolService.customIDTag + ":" + input.clientName]
            // A pinned client ID must fit the model's ClientIdType: word characters and plus signs, 1 to 128.
            if let pinned,
                pinned.isEmpty || pinned.count > 128 || !pinned.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "+") })
            {
                throw Errors.invalidParameter("The \(UserPoolService.customIDTag):\(input.clientName.prefix(64)) tag is not an app client ID.")
            }
            let clientID = pinned ?? ids.clientID()
            let now = deps.clock.now()
            var secrets: [ClientSecret] = []
            if let custom = input.clientSecret {
                secrets.append(ClientSecret(id: ids.clientSecretID(clientID: clientID), value: custom, creationDate: now))
            } else if input.generateSecret == true {
                secrets.append(ClientSecret(id: ids.clientSecretID(clientID: clientID), value: ids.clientSecret(), creationDate: now))
            }
            let settings = try Self.settings(
                input, pool: pool, clientID: clientID, name: input.clientName, created: now, modified: now
            )
            try await OAuthSettings.check(input, pool: pool, deps: deps)
            let client = AppClient(poolID: pool.id, clientID: clientID, settings: settings, secrets: secrets)
            do {
                try await deps.storage.createAppClient(client)
            } catch StorageError.notFound {
                throw Errors.poolNotFound(input.userPoolId)
            } catch StorageError.alreadyExists {
                throw Errors.invalidParameter("An app client with the ID \(clientID) already exists.")
            }
            return CreateUserPoolClientResponse(userPoolClient: client.description)
        }
        table.register(Operations.DescribeUserPoolClient.self) { input, _ in
            DescribeUserPoolClientResponse(userPoolClient: try await load(input.userPoolId, input.clientId).description)
        }
        table.register(Operations.UpdateUserPoolClient.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let existing = try await load(input.userPoolId, input.clientId)
            // As AWS documents: settings the request leaves out return to their defaults.
            let settings = try Self.settings(
                input, pool: pool, clientID: input.clientId, name: input.clientName ?? existing.settings.clientName ?? "",
                created: existing.settings.creationDate ?? deps.clock.now(), modified: deps.clock.now()
            )
            try await OAuthSettings.check(input, pool: pool, deps: deps)
            let client = try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.updateAppClient(poolID: input.userPoolId, clientID: input.clientId) { $0.settings = settings }
            }
            return UpdateUserPoolClientResponse(userPoolClient: client.description)
        }
        table.register(Operations.DeleteUserPoolClient.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.deleteAppClient(poolID: input.userPoolId, clientID: input.clientId)
            }
            return .init()
        }
        table.register(Operations.ListUserPoolClients.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let page = try await StorageError.map(notFound: Errors.invalidToken) {
                try await deps.storage.listAppClients(poolID: input.userPoolId, PageRequest(token: input.nextToken, limit: input.maxResults ?? 60))
            }
            let items = page.items.map {
                UserPoolClientDescription(clientId: $0.clientID, userPoolId: $0.poolID, clientName: $0.settings.clientName)
            }
            return ListUserPoolClientsResponse(userPoolClients: items, nextToken: page.nextToken)
        }
        registerSecrets(in: &table)
    }

    private func registerSecrets(in table: inout OperationTable) {
        table.register(Operations.AddUserPoolClientSecret.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            let ids = Identifiers(random: deps.random)
            let secret = ClientSecret(
                id: ids.clientSecretID(clientID: input.clientId), value: input.clientSecret ?? ids.clientSecret(),
                creationDate: deps.clock.now()
            )
            try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.updateAppClient(poolID: input.userPoolId, clientID: input.clientId) { client in
                    guard client.secrets.count < Self.maxSecrets else {
                        throw CognitoError(.limitExceededException, "An app client can have at most \(Self.maxSecrets) client secrets.")
                    }
                    client.secrets.append(secret)
                    client.settings.clientSecret = client.secrets.first?.value
                }
            }
            return AddUserPoolClientSecretResponse(clientSecretDescriptor: secret.descriptor(withValue: true))
        }
        table.register(Operations.DeleteUserPoolClientSecret.self) { input, _ in
            _ = try await UserPoolService(deps).load(input.userPoolId)
            try await StorageError.map(notFound: Errors.clientNotFound(input.clientId)) {
                try await deps.storage.updateAppClient(poolID: input.userPoolId, clientID: input.clientId) { client in
                    guard let index = client.secrets.firstIndex(where: { $0.id == input.clientSecretId }) else {
                        throw CognitoError(.resourceNotFoundException, "Client secret \(input.clientSecretId) does not exist.")
                    }
                    guard client.secrets.count > 1 else {
                        throw Errors.invalidParameter("The only client secret of an app client cannot be deleted.")
                    }
                    client.secrets.remove(at: index)
                    client.settings.clientSecret = client.secrets.first?.value
                }
            }
            return .init()
        }
        table.register(Operations.ListUserPoolClientSecrets.self) { input, _ in
            let client = try await load(input.userPoolId, input.clientId)
            return ListUserPoolClientSecretsResponse(clientSecrets: client.secrets.map { $0.descriptor(withValue: false) })
        }
    }

    func load(_ poolID: String, _ clientID: String) async throws -> AppClient {
        _ = try await UserPoolService(deps).load(poolID)
        return try await StorageError.map(notFound: Errors.clientNotFound(clientID)) {
            try await deps.storage.appClient(poolID: poolID, clientID: clientID)
        }
    }

    /// Token lifetimes allowed by Cognito, in seconds: access and ID 5 minutes to 1 day, refresh 1 hour to 10 years.
    static let accessRange = 300...86_400
    static let refreshRange = 3_600...315_360_000

    static func seconds(_ value: Int, _ unit: TimeUnitsType?, default defaultUnit: TimeUnitsType) -> Int {
        switch unit ?? defaultUnit {
        case .seconds: return value
        case .minutes: return value * 60
        case .hours: return value * 3_600
        default: return value * 86_400
        }
    }

    /// The stored description of a client, with Cognito's defaults and the checks Create and Update share.
    static func settings(
        _ input: some ClientSettingsInput, pool: UserPool, clientID: String, name: String, created: Date, modified: Date
    ) throws(CognitoError) -> UserPoolClientType {
        if let access = input.accessTokenValidity, !accessRange.contains(seconds(access, input.tokenValidityUnits?.accessToken, default: .hours)) {
            throw Errors.invalidParameter("Invalid range for token validity: AccessTokenValidity must be between 5 minutes and 1 day.")
        }
        if let id = input.idTokenValidity, !accessRange.contains(seconds(id, input.tokenValidityUnits?.idToken, default: .hours)) {
            throw Errors.invalidParameter("Invalid range for token validity: IdTokenValidity must be between 5 minutes and 1 day.")
        }
        var refresh = input.refreshTokenValidity ?? 30
        if refresh == 0 { refresh = 30 }
        if !refreshRange.contains(seconds(refresh, input.tokenValidityUnits?.refreshToken, default: .days)) {
            throw Errors.invalidParameter("Invalid range for token validity: RefreshTokenValidity must be between 60 minutes and 10 years.")
        }
        if let flows = input.explicitAuthFlows {
            let legacy: Set<ExplicitAuthFlowsType> = [.adminNoSrpAuth, .customAuthFlowOnly, .userPasswordAuth]
            let hasLegacy = flows.contains { legacy.contains($0) }
            let hasAllow = flows.contains { !legacy.contains($0) }
            if hasLegacy && hasAllow {
                throw Errors.invalidParameter("ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.")
            }
            // GetClientToken's flow is for machine clients only: its documentation makes it the only flow.
            if flows.contains(.allowClientTokenAuth) && Set(flows).count > 1 {
                throw Errors.invalidParameter("ALLOW_CLIENT_TOKEN_AUTH must be the only authentication flow of the app client.")
            }
        }
        let known = Set(pool.schema.compactMap(\.name))
        for (label, list) in [("read", input.readAttributes), ("write", input.writeAttributes)] {
            if let list, list.contains(where: { !known.contains($0) }) {
                throw Errors.invalidParameter("Invalid \(label) attributes specified while creating a client")
            }
        }
        if let sessions = input.authSessionValidity, !(3...15).contains(sessions) {
            throw Errors.invalidParameter("AuthSessionValidity must be between 3 and 15 minutes.")
        }
        if input.allowedOAuthFlowsUserPoolClient == true {
            if input.allowedOAuthFlows?.isEmpty ?? true {
                throw Errors.invalidParameter("AllowedOAuthFlows is required when AllowedOAuthFlowsUserPoolClient is true.")
            }
            if input.allowedOAuthFlows?.contains(where: { $0 != .clientCredentials }) == true, input.callbackURLs?.isEmpty ?? true {
                throw CognitoError(.invalidOAuthFlowException, "CallbackUrls can not be empty when code flow or implicit flow is selected")
            }
        }
        if let redirect = input.defaultRedirectURI, !(input.callbackURLs ?? []).contains(redirect) {
            throw Errors.invalidParameter("DefaultRedirectURI must be one of the CallbackURLs.")
        }
        // With a Pinpoint application ARN and no role, Cognito sends analytics with its service-linked role and says so.
        var analytics = input.analyticsConfiguration
        if analytics?.applicationArn != nil && analytics?.roleArn == nil {
            let account = pool.arn.split(separator: ":").dropFirst(4).first.map(String.init) ?? "000000000000"
            analytics?.roleArn = "arn:aws:iam::\(account):role/aws-service-role/cognito-idp.amazonaws.com/AWSServiceRoleForAmazonCognitoIdp"
        }
        return UserPoolClientType(
            userPoolId: pool.id, clientName: name, clientId: clientID, lastModifiedDate: modified, creationDate: created,
            refreshTokenValidity: refresh, accessTokenValidity: input.accessTokenValidity, idTokenValidity: input.idTokenValidity,
            tokenValidityUnits: input.tokenValidityUnits, readAttributes: input.readAttributes, writeAttributes: input.writeAttributes,
            explicitAuthFlows: input.explicitAuthFlows, supportedIdentityProviders: input.supportedIdentityProviders,
            callbackURLs: input.callbackURLs, logoutURLs: input.logoutURLs, defaultRedirectURI: input.defaultRedirectURI,
            allowedOAuthFlows: input.allowedOAuthFlows, allowedOAuthScopes: input.allowedOAuthScopes,
            allowedOAuthFlowsUserPoolClient: input.allowedOAuthFlowsUserPoolClient ?? false,
            analyticsConfiguration: analytics, preventUserExistenceErrors: input.preventUserExistenceErrors ?? .legacy,
            enableTokenRevocation: input.enableTokenRevocation ?? true,
            enablePropagateAdditionalUserContextData: input.enablePropagateAdditionalUserContextData ?? false,
            authSessionValidity: input.authSessionValidity ?? 3, refreshTokenRotation: input.refreshTokenRotation
        )
    }
}

extension AppClient {
    /// The wire description: the stored settings with the current (oldest) secret.
    var description: UserPoolClientType {
        var out = settings
        out.clientSecret = secrets.first?.value
        return out
    }
}

extension ClientSecret {
    func descriptor(withValue: Bool) -> ClientSecretDescriptorType {
        ClientSecretDescriptorType(clientSecretId: id, clientSecretValue: withValue ? value : nil, clientSecretCreateDate: creationDate)
    }
}

/// The client settings Create and UpdateUserPoolClient share; both requests provide them.
protocol ClientSettingsInput {
    var refreshTokenValidity: Int? { get }
    var accessTokenValidity: Int? { get }
    var idTokenValidity: Int? { get }
    var tokenValidityUnits: TokenValidityUnitsType? { get }
    var readAttributes: [String]? { get }
    var writeAttributes: [String]? { get }
    var explicitAuthFlows: [ExplicitAuthFlowsType]? { get }
    var supportedIdentityProviders: [String]? { get }
    var callbackURLs: [String]? { get }
    var logoutURLs: [String]? { get }
    var defaultRedirectURI: String? { get }
    var allowedOAuthFlows: [OAuthFlowType]? { get }
    var allowedOAuthScopes: [String]? { get }
    var allowedOAuthFlowsUserPoolClient: Bool? { get }
    var analyticsConfiguration: AnalyticsConfigurationType? { get }
    var preventUserExistenceErrors: PreventUserExistenceErrorTypes? { get }
    var enableTokenRevocation: Bool? { get }
    var enablePropagateAdditionalUserContextData: Bool? { get }
    var authSessionValidity: Int? { get }
    var refreshTokenRotation: RefreshTokenRotationType? { get }
}

extension CreateUserPoolClientRequest: ClientSettingsInput {}
extension UpdateUserPoolClientRequest: ClientSettingsInput {}
