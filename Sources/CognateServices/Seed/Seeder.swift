import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// A seed: pools with pinned IDs and what they hold, in the API's own member names, as `--seed` reads it.
/// Each entry knows where it stands in its file, so an error can name the line.
public struct Seed: Sendable {
    public struct Entry: Sendable {
        /// The entry's members (an object), as the API takes them.
        public var fields: [String: JSONValue]
        /// Where the entry is: `pools[0].Users[2]`, and its line in the file.
        public var path: String
        public var line: Int?
        /// The line of each of its keys, when the file tells.
        public var keyLines: [String: Int]

        public init(fields: [String: JSONValue], path: String, line: Int?, keyLines: [String: Int] = [:]) {
            self.fields = fields
            self.path = path
            self.line = line
            self.keyLines = keyLines
        }
    }

    public struct Pool: Sendable {
        public var pool: Entry
        public var clients: [Entry] = []
        public var groups: [Entry] = []
        public var resourceServers: [Entry] = []
        public var domains: [Entry] = []
        public var users: [Entry] = []
        /// SetUserPoolMfaConfig's members (MfaConfiguration, SoftwareTokenMfaConfiguration, …), applied once the pool is made.
        public var mfaConfig: Entry?

        public init(pool: Entry) { self.pool = pool }
    }

    public var file: String
    public var pools: [Pool]

    public init(file: String, pools: [Pool]) {
        self.file = file
        self.pools = pools
    }
}

/// A seed entry that cannot be applied: the file, line and entry, and why.
public struct SeedError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(file: String, line: Int?, path: String, _ message: String) {
        description = "\(file)\(line.map { ":\($0)" } ?? ""): \(path): \(message)"
    }
}

/// Applies a seed through the API's own operations, so every rule and message is the API's: what is
/// missing is created, what exists is left as it is. Applying the same seed twice changes nothing.
public struct Seeder: Sendable {
    let deps: ServiceDependencies
    let table: OperationTable

    public init(_ deps: ServiceDependencies) {
        self.deps = deps
        table = Services.operationTable(deps)
    }

    /// What one application of a seed created, entry by entry.
    public struct Report: Sendable, Equatable {
        public var created: [String] = []
    }

    public func apply(_ seed: Seed) async throws -> Report {
        try SeedKeys.check(seed)
        var report = Report()
        for pool in seed.pools { try await apply(pool, file: seed.file, report: &report) }
        return report
    }

    private func apply(_ seeded: Seed.Pool, file: String, report: inout Report) async throws {
        let entry = seeded.pool
        guard case .string(let poolID)? = entry.fields["Id"] else {
            throw SeedError(
                file: file, line: entry.line, path: entry.path,
                "Id is required (a pinned pool ID such as us-east-1_Example1), so that a restart finds the pool again.")
        }
        let region = String(poolID.split(separator: "_").first ?? "")
        let pinnedTag = UserPoolService.customIDTag
        var clientTags: [String: JSONValue] = [:]
        for client in seeded.clients {
            guard case .string(let name)? = client.fields["ClientName"], case .string(let id)? = client.fields["ClientId"] else {
                throw SeedError(
                    file: file, line: client.line, path: client.path,
                    "ClientName and ClientId are required, so that a restart finds the client again.")
            }
            clientTags[pinnedTag + ":" + name] = .string(id)
        }
        let existed = (try await StorageError.ifPresent({ try await deps.storage.userPool(id: poolID) })) != nil
        if !existed {
            var fields = entry.fields
            fields["Id"] = nil
            var tags: [String: JSONValue] = [:]
            if case .object(let given)? = fields["UserPoolTags"] { tags = given }
            let pinnedByUser = tags[pinnedTag] != nil
            tags[pinnedTag] = .string(poolID)
            fields["UserPoolTags"] = .object(tags)
            try await call("CreateUserPool", fields, entry, file: file, region: region)
            // The pinning tag did its work; the pool keeps only the tags the seed gave it.
            if !pinnedByUser {
                let arn = try await UserPoolService(deps).load(poolID).arn
                try await call(
                    "UntagResource", ["ResourceArn": .string(arn), "TagKeys": .array([.string(pinnedTag)])], entry, file: file, region: region)
            }
            report.created.append(entry.path)
            if let mfa = seeded.mfaConfig {
                try await call("SetUserPoolMfaConfig", mfa.fields.merging(["UserPoolId": .string(poolID)]) { $1 }, mfa, file: file, region: region)
            }
        }
        // Resource servers first: clients name their scopes.
        for server in seeded.resourceServers {
            guard case .string(let identifier)? = server.fields["Identifier"] else {
                throw SeedError(file: file, line: server.line, path: server.path, "Identifier is required.")
            }
            if (try await StorageError.ifPresent({ try await deps.storage.resourceServer(poolID: poolID, identifier: identifier) })) != nil {
                continue
            }
            try await call("CreateResourceServer", server.fields.merging(["UserPoolId": .string(poolID)]) { $1 }, server, file: file, region: region)
            report.created.append(server.path)
        }
        // Clients are pinned through the pool's tags while they are made; the tags go once they are.
        let created = try await withPinnedClientTags(poolID: poolID, tags: clientTags, entry: entry, file: file, region: region) {
            var made: [String] = []
            for client in seeded.clients {
                guard case .string(let id)? = client.fields["ClientId"] else { continue }
                if (try await StorageError.ifPresent({ try await deps.storage.appClient(poolID: poolID, clientID: id) })) != nil { continue }
                var fields = client.fields
                fields["ClientId"] = nil
                fields["UserPoolId"] = .string(poolID)
                try await call("CreateUserPoolClient", fields, client, file: file, region: region)
                made.append(client.path)
            }
            return made
        }
        report.created += created
        for group in seeded.groups {
            guard case .string(let name)? = group.fields["GroupName"] else {
                throw SeedError(file: file, line: group.line, path: group.path, "GroupName is required.")
            }
            if (try await StorageError.ifPresent({ try await deps.storage.group(poolID: poolID, name: name) })) != nil { continue }
            try await call("CreateGroup", group.fields.merging(["UserPoolId": .string(poolID)]) { $1 }, group, file: file, region: region)
            report.created.append(group.path)
        }
        for domain in seeded.domains {
            guard case .string(let name)? = domain.fields["Domain"] else {
                throw SeedError(file: file, line: domain.line, path: domain.path, "Domain is required.")
            }
            if (try await StorageError.ifPresent({ try await deps.storage.domain(name: name.lowercased()) })) != nil { continue }
            try await call("CreateUserPoolDomain", domain.fields.merging(["UserPoolId": .string(poolID)]) { $1 }, domain, file: file, region: region)
            report.created.append(domain.path)
        }
        for user in seeded.users {
            if try await applyUser(user, poolID: poolID, file: file, region: region) { report.created.append(user.path) }
        }
    }

    /// A user: created with the API (attributes, a permanent or temporary password), then put in its groups,
    /// enabled or disabled, and given its MFA settings. An existing user is left alone.
    private func applyUser(_ user: Seed.Entry, poolID: String, file: String, region: String) async throws -> Bool {
        guard case .string(let username)? = user.fields["Username"] else {
            throw SeedError(file: file, line: user.line, path: user.path, "Username is required.")
        }
        let pool = try await UserPoolService(deps).load(poolID)
        if (try await UserDirectory(pool: pool, storage: deps.storage).findIfPresent(username)) != nil { return false }
        var attributes: [JSONValue] = []
        switch user.fields["Attributes"] {
        case .object(let map)?:
            for (name, value) in map.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else {
                    throw SeedError(
                        file: file, line: user.line, path: user.path + ".Attributes." + name, "attribute values are text (quote true and numbers).")
                }
                attributes.append(.object(["Name": .string(name), "Value": .string(text)]))
            }
        case .array(let list)?: attributes = list
        case nil: break
        default:
            throw SeedError(file: file, line: user.line, path: user.path + ".Attributes", "a map of names to values, or a list of {Name, Value}.")
        }
        var create: [String: JSONValue] = [
            "UserPoolId": .string(poolID), "Username": .string(username), "MessageAction": .string("SUPPRESS"),
            "UserAttributes": .array(attributes),
        ]
        let permanent: Bool
        if case .bool(let flag)? = user.fields["Permanent"] { permanent = flag } else { permanent = true }
        if case .string(let password)? = user.fields["Password"], !permanent { create["TemporaryPassword"] = .string(password) }
        try await call("AdminCreateUser", create, user, file: file, region: region)
        if case .string(let password)? = user.fields["Password"], permanent {
            try await call(
                "AdminSetUserPassword",
                [
                    "UserPoolId": .string(poolID), "Username": .string(username),
                    "Password": .string(password), "Permanent": .bool(true),
                ], user, file: file, region: region)
        }
        if case .array(let groups)? = user.fields["Groups"] {
            for case .string(let group) in groups {
                try await call(
                    "AdminAddUserToGroup", ["UserPoolId": .string(poolID), "Username": .string(username), "GroupName": .string(group)],
                    user, file: file, region: region)
            }
        }
        if case .bool(false)? = user.fields["Enabled"] {
            try await call("AdminDisableUser", ["UserPoolId": .string(poolID), "Username": .string(username)], user, file: file, region: region)
        }
        if case .object(let mfa)? = user.fields["Mfa"] {
            try await applyMfa(mfa, user: user, username: username, pool: pool, file: file, region: region)
        }
        return true
    }

    /// `Mfa: {SoftwareTokenSecret: BASE32, Sms: true, Email: true, Preferred: SOFTWARE_TOKEN_MFA}`: an
    /// authenticator app already set up (its secret given, as one would have scanned it), and the factors on.
    private func applyMfa(
        _ mfa: [String: JSONValue], user: Seed.Entry, username: String, pool: UserPool, file: String, region: String
    ) async throws {
        if case .string(let secret)? = mfa["SoftwareTokenSecret"] {
            guard Base32.decode(secret) != nil, secret.count >= 16 else {
                throw SeedError(
                    file: file, line: user.line, path: user.path + ".Mfa.SoftwareTokenSecret", "a base32 secret of 16 characters or more.")
            }
            let stored = try await UserDirectory(pool: pool, storage: deps.storage).find(username)
            let now = deps.clock.now()
            try await UserAdminService(deps).update(pool, stored) { user in
                var settings = user.mfa ?? UserMFA()
                settings.softwareToken = SoftwareToken(secret: secret, friendlyName: nil, verifiedAt: now)
                user.mfa = settings
            }
        }
        var request: [String: JSONValue] = ["UserPoolId": .string(pool.id), "Username": .string(username)]
        let preferred: String? = if case .string(let p)? = mfa["Preferred"] { p } else { nil }
        func setting(_ key: String, _ factor: String) -> JSONValue? {
            let enabled: Bool =
                if case .bool(let flag)? = mfa[key] { flag } else { factor == "SOFTWARE_TOKEN_MFA" && mfa["SoftwareTokenSecret"] != nil }
            guard enabled || preferred == factor else { return nil }
            return .object(["Enabled": .bool(true), "PreferredMfa": .bool(preferred == factor)])
        }
        if let s = setting("SoftwareToken", "SOFTWARE_TOKEN_MFA") { request["SoftwareTokenMfaSettings"] = s }
        if let s = setting("Sms", "SMS_MFA") { request["SMSMfaSettings"] = s }
        if let s = setting("Email", "EMAIL_OTP") { request["EmailMfaSettings"] = s }
        if request.count > 2 { try await call("AdminSetUserMFAPreference", request, user, file: file, region: region) }
    }

    /// Makes the pool's clients with their pinned IDs: the pinning tags are on the pool only meanwhile.
    private func withPinnedClientTags(
        poolID: String, tags: [String: JSONValue], entry: Seed.Entry, file: String, region: String,
        _ body: () async throws -> [String]
    ) async throws -> [String] {
        guard !tags.isEmpty else { return try await body() }
        let arn = try await UserPoolService(deps).load(poolID).arn
        try await call("TagResource", ["ResourceArn": .string(arn), "Tags": .object(tags)], entry, file: file, region: region)
        do {
            let made = try await body()
            try await call(
                "UntagResource", ["ResourceArn": .string(arn), "TagKeys": .array(tags.keys.sorted().map(JSONValue.string))],
                entry, file: file, region: region)
            return made
        } catch {
            _ = try? await call(
                "UntagResource", ["ResourceArn": .string(arn), "TagKeys": .array(tags.keys.sorted().map(JSONValue.string))],
                entry, file: file, region: region)
            throw error
        }
    }

    /// One operation with the entry's members as its input; an error names the entry and its line.
    @discardableResult
    private func call(_ operation: String, _ fields: [String: JSONValue], _ entry: Seed.Entry, file: String, region: String) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(JSONValue.object(fields))
        let answer = await table.dispatch(
            target: targetPrefix + "." + operation, body: body, context: OperationContext(region: region, requestID: "seed"), logger: deps.logger)
        guard answer.status == 200 else {
            let message = (try? JSONDecoder().decode([String: String].self, from: Data(answer.body)))?["message"] ?? ""
            throw SeedError(file: file, line: entry.line, path: entry.path, "\(operation): \(answer.errorCode?.rawValue ?? "error"): \(message)")
        }
        return Data(answer.body)
    }
}
