import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// A pool as a seed (`cognate --export-seed POOL_ID`): what the API describes of it, in the members its
/// create operations take, so that `--seed` makes the same pool again. Passwords are not exported (Cognate
/// keeps only verifiers); client secrets and TOTP seeds are, so the file is as secret as the database.
public struct SeedExport: Sendable {
    let deps: ServiceDependencies
    let table: OperationTable

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
        table = Services.operationTable(deps)
    }

    static let poolMembers: Set<String> = [
        "PoolName", "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes", "AliasAttributes", "UsernameAttributes",
        "VerificationMessageTemplate", "SmsAuthenticationMessage", "UserAttributeUpdateSettings", "DeviceConfiguration",
        "EmailConfiguration", "SmsConfiguration", "UserPoolTags", "AdminCreateUserConfig", "UserPoolAddOns", "UsernameConfiguration",
        "AccountRecoverySetting", "UserPoolTier",
    ]
    static let clientMembers: Set<String> = [
        "ClientName", "ClientSecret", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits", "ReadAttributes",
        "WriteAttributes", "ExplicitAuthFlows", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI",
        "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient", "AnalyticsConfiguration", "PreventUserExistenceErrors",
        "EnableTokenRevocation", "EnablePropagateAdditionalUserContextData", "AuthSessionValidity", "RefreshTokenRotation", "ClientId",
    ]

    /// `{"pools": [ … ]}` for one pool. With `temporaryPassword`, every user is given it as a temporary
    /// password (`Permanent: false`): applied, each signs in with it once and chooses their own.
    public func export(poolID: String, temporaryPassword: String? = nil) async throws -> JSONValue {
        let described = try await object("DescribeUserPool", ["UserPoolId": .string(poolID)])
        guard case .object(let poolFields)? = described["UserPool"] else { throw Errors.poolNotFound(poolID) }
        var pool: [String: JSONValue] = ["Id": .string(poolID)]
        for (key, value) in poolFields where Self.poolMembers.contains(key) { pool[key] = value }
        pool["PoolName"] = poolFields["Name"]
        let schema = Self.schema(poolFields["SchemaAttributes"])
        if !schema.isEmpty { pool["Schema"] = .array(schema) }
        let mfa = try await object("GetUserPoolMfaConfig", ["UserPoolId": .string(poolID)])
        if mfa["MfaConfiguration"] != .string("OFF") || mfa["SoftwareTokenMfaConfiguration"] != nil { pool["MfaConfig"] = .object(mfa) }

        var clients: [JSONValue] = []
        for summary in try await pages("ListUserPoolClients", ["UserPoolId": .string(poolID), "MaxResults": .number(60)], list: "UserPoolClients") {
            guard case .object(let s) = summary, let id = s["ClientId"] else { continue }
            let answer = try await object("DescribeUserPoolClient", ["UserPoolId": .string(poolID), "ClientId": id])
            guard case .object(let client)? = answer["UserPoolClient"] else { continue }
            clients.append(.object(client.filter { Self.clientMembers.contains($0.key) }))
        }
        if !clients.isEmpty { pool["Clients"] = .array(clients) }

        let servers = try await pages("ListResourceServers", ["UserPoolId": .string(poolID), "MaxResults": .number(50)], list: "ResourceServers")
            .map { value -> JSONValue in
                guard case .object(let s) = value else { return value }
                return .object(s.filter { ["Identifier", "Name", "Scopes"].contains($0.key) })
            }
        if !servers.isEmpty { pool["ResourceServers"] = .array(servers) }

        let groups = try await pages("ListGroups", ["UserPoolId": .string(poolID), "Limit": .number(60)], list: "Groups")
            .map { value -> JSONValue in
                guard case .object(let g) = value else { return value }
                return .object(g.filter { ["GroupName", "Description", "RoleArn", "Precedence"].contains($0.key) })
            }
        if !groups.isEmpty { pool["Groups"] = .array(groups) }

        var domains: [JSONValue] = []
        for key in ["Domain", "CustomDomain"] {
            guard case .string(let name)? = poolFields[key] else { continue }
            let answer = try await object("DescribeUserPoolDomain", ["Domain": .string(name)])
            guard case .object(let d)? = answer["DomainDescription"] else { continue }
            var domain: [String: JSONValue] = ["Domain": .string(name)]
            if let version = d["ManagedLoginVersion"] { domain["ManagedLoginVersion"] = version }
            if key == "CustomDomain", let config = d["CustomDomainConfig"] { domain["CustomDomainConfig"] = config }
            domains.append(.object(domain))
        }
        if !domains.isEmpty { pool["Domains"] = .array(domains) }

        var users: [JSONValue] = []
        let storedPool = try await UserPoolService(deps).load(poolID)
        for listed in try await pages("ListUsers", ["UserPoolId": .string(poolID), "Limit": .number(60)], list: "Users", token: "PaginationToken") {
            guard case .object(let u) = listed, case .string(let username)? = u["Username"] else { continue }
            var user: [String: JSONValue] = ["Username": .string(username)]
            if let temporaryPassword {
                user["Password"] = .string(temporaryPassword)
                user["Permanent"] = .bool(false)
            }
            var attributes: [String: JSONValue] = [:]
            if case .array(let list)? = u["Attributes"] {
                for case .object(let attribute) in list {
                    if case .string(let name)? = attribute["Name"], name != "sub", let value = attribute["Value"] { attributes[name] = value }
                }
            }
            if !attributes.isEmpty { user["Attributes"] = .object(attributes) }
            if u["Enabled"] == .bool(false) { user["Enabled"] = .bool(false) }
            let memberOf = try await pages("AdminListGroupsForUser", ["UserPoolId": .string(poolID), "Username": .string(username)], list: "Groups")
                .compactMap { value -> JSONValue? in if case .object(let g) = value { g["GroupName"] } else { nil } }
            if !memberOf.isEmpty { user["Groups"] = .array(memberOf) }
            if let stored = try await UserDirectory(pool: storedPool, storage: deps.storage).findIfPresent(username), let mfa = stored.mfa {
                var settings: [String: JSONValue] = [:]
                if let token = mfa.softwareToken { settings["SoftwareTokenSecret"] = .string(token.secret) }
                if mfa.isEnabled(.sms) { settings["Sms"] = .bool(true) }
                if mfa.isEnabled(.email) { settings["Email"] = .bool(true) }
                if let preferred = mfa.preferred { settings["Preferred"] = .string(preferred.rawValue) }
                if !settings.isEmpty { user["Mfa"] = .object(settings) }
            }
            users.append(.object(user))
        }
        if !users.isEmpty { pool["Users"] = .array(users) }
        return .object(["pools": .array([.object(pool)])])
    }

    /// The schema a create needs: the custom attributes, and the standard ones whose Required or Mutable
    /// differ from Cognito's defaults.
    static func schema(_ described: JSONValue?) -> [JSONValue] {
        guard case .array(let attributes)? = described else { return [] }
        let defaults = Dictionary(uniqueKeysWithValues: StandardSchema.attributes.compactMap { a in a.name.map { ($0, a) } })
        return attributes.compactMap { value in
            guard case .object(let a) = value, case .string(let name)? = a["Name"] else { return nil }
            if let standard = defaults[name] {
                let required = a["Required"] == .bool(true)
                let mutable = a["Mutable"] != .bool(false)
                guard name != "sub", required != (standard.required ?? false) || mutable != (standard.mutable ?? true) else { return nil }
                return .object(["Name": .string(name), "Required": .bool(required), "Mutable": .bool(mutable)])
            }
            return .object(a)
        }
    }

    private func object(_ operation: String, _ fields: [String: JSONValue]) async throws -> [String: JSONValue] {
        let body = try JSONEncoder().encode(JSONValue.object(fields))
        let answer = await table.dispatch(
            target: targetPrefix + "." + operation, body: body,
            context: OperationContext(region: deps.configuration.defaultRegion, requestID: "export"),
            logger: deps.logger)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(answer.body))
        guard answer.status == 200, case .object(let object) = decoded else {
            let message: String = if case .object(let e) = decoded, case .string(let m)? = e["message"] { m } else { "" }
            throw CognitoError(answer.errorCode ?? .internalErrorException, "\(operation): \(message)")
        }
        return object
    }

    /// Every item of a paged listing.
    private func pages(_ operation: String, _ fields: [String: JSONValue], list: String, token: String = "NextToken") async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var request = fields
        while true {
            let page = try await object(operation, request)
            if case .array(let more)? = page[list] { items += more }
            guard let next = page[token] else { return items }
            request[token] = next
        }
    }
}
