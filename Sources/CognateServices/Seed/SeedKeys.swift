import CognitoModel
import Foundation

/// The keys each kind of seed entry may have, so that a misspelt key (`Userz:`) stops the start with its
/// file and line instead of being ignored. An entry that goes to an API operation may have the members of
/// that operation's input — found by reading the entry as the input and writing it back: a key the input
/// has no member for does not come back — and the seed's own keys (`Id`, `ClientId`); a user has the seed's
/// keys only.
public enum SeedKeys {
    static let user: Set<String> = ["Username", "Password", "Permanent", "Attributes", "Groups", "Enabled", "Mfa"]
    public static let poolLists = ["Clients", "Groups", "ResourceServers", "Domains", "Users"]
    static let userMfa: Set<String> = ["SoftwareTokenSecret", "SoftwareToken", "Sms", "Email", "Preferred"]

    /// Checks every entry of the seed, before anything is applied.
    public static func check(_ seed: Seed) throws {
        for pool in seed.pools {
            try check(pool.pool, as: CreateUserPoolRequest.self, operation: "CreateUserPool", seedKeys: ["Id"], seed.file)
            for client in pool.clients {
                try check(client, as: CreateUserPoolClientRequest.self, operation: "CreateUserPoolClient", seedKeys: ["ClientId"], seed.file)
            }
            for server in pool.resourceServers {
                try check(server, as: CreateResourceServerRequest.self, operation: "CreateResourceServer", seedKeys: [], seed.file)
            }
            for group in pool.groups { try check(group, as: CreateGroupRequest.self, operation: "CreateGroup", seedKeys: [], seed.file) }
            for domain in pool.domains {
                try check(domain, as: CreateUserPoolDomainRequest.self, operation: "CreateUserPoolDomain", seedKeys: [], seed.file)
            }
            if let mfa = pool.mfaConfig {
                try check(mfa, as: SetUserPoolMfaConfigRequest.self, operation: "SetUserPoolMfaConfig", seedKeys: [], seed.file)
            }
            for user in pool.users {
                if let key = user.fields.keys.sorted().first(where: { !Self.user.contains($0) }) {
                    throw SeedError(
                        file: seed.file, line: user.keyLines[key] ?? user.line, path: user.path,
                        "\(key) is not a user field (\(Self.user.sorted().joined(separator: ", "))).")
                }
                if case .object(let mfa)? = user.fields["Mfa"], let key = mfa.keys.sorted().first(where: { !Self.userMfa.contains($0) }) {
                    throw SeedError(
                        file: seed.file, line: user.keyLines["Mfa"] ?? user.line, path: user.path + ".Mfa",
                        "\(key) is not an Mfa field (\(Self.userMfa.sorted().joined(separator: ", "))).")
                }
            }
        }
    }

    /// The entry's first key that is neither a member of `Input` nor one of `seedKeys`. An entry that does
    /// not read as the input (a required member missing, a wrong type) is left to the operation, whose error
    /// names what is wrong.
    private static func check<Input: Decodable & WireEncodable>(
        _ entry: Seed.Entry, as input: Input.Type, operation: String, seedKeys: Set<String>, _ file: String
    ) throws {
        var fields = entry.fields
        for key in seedKeys { fields[key] = nil }
        let given = fields.filter { $0.value != .null }.keys
        // The pool the seed gives every entry within it; a placeholder here (CreateUserPool's input ignores it).
        if fields["UserPoolId"] == nil { fields["UserPoolId"] = .string("us-east-1_Seed") }
        guard let data = try? JSONEncoder().encode(JSONValue.object(fields)), let read = try? JSONDecoder().decode(Input.self, from: data),
            case .object(let written)? = try? JSONDecoder().decode(JSONValue.self, from: Data(JSONWriter.encode(read)))
        else { return }
        if let key = given.sorted().first(where: { written[$0] == nil }) {
            let reason =
                operation == "CreateUserPool"
                ? "a pool has Id, CreateUserPool's members, MfaConfig and the lists \(SeedKeys.poolLists.joined(separator: ", "))"
                : "\(operation) has no such member"
            throw unknown(key, in: entry, file, reason)
        }
    }

    static func unknown(_ key: String, in entry: Seed.Entry, _ file: String, _ reason: String) -> SeedError {
        SeedError(file: file, line: entry.keyLines[key] ?? entry.line, path: entry.path, "\(key) is not a key here (\(reason)): check its spelling.")
    }
}
