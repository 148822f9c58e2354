import CognateServices
import CognitoModel
import Foundation
import Yams

/// Reads a seed file (YAML, or JSON, which YAML reads too) into a `Seed`, keeping each entry's line:
///
/// ```yaml
/// pools:
///   - Id: us-east-1_Example1          # pinned; any CreateUserPool member besides
///     PoolName: example
///     Clients: [{ClientName: web, ClientId: exampleclient1, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]}]
///     Groups: [{GroupName: admins}]
///     ResourceServers: [{Identifier: orders, Name: Orders, Scopes: [{ScopeName: read, ScopeDescription: Read}]}]
///     Domains: [{Domain: example-auth}]
///     Users: [{Username: alice, Password: Passw0rd!, Attributes: {email: alice@example.com}, Groups: [admins]}]
///     MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
/// ```
enum SeedFile {
    static let nested = SeedKeys.poolLists

    static func load(path: String) throws -> Seed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SeedError(file: path, line: nil, path: "seed", "cannot be read: \(Launcher.reason(error))")
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws -> Seed {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SeedError(file: file, line: line(of: error), path: "seed", "is not valid YAML or JSON: \(error)")
        }
        guard case .mapping(let top)? = root else {
            throw SeedError(file: file, line: root?.mark?.line, path: "seed", "must be a map with a `pools` list.")
        }
        var pools: [Seed.Pool] = []
        for (key, value) in top {
            guard key.string == "pools" else {
                throw SeedError(file: file, line: key.mark?.line, path: key.string ?? "?", "is not a seed key (the seed has `pools`).")
            }
            guard case .sequence(let list) = value else {
                throw SeedError(file: file, line: value.mark?.line, path: "pools", "must be a list of pools.")
            }
            for (index, item) in list.enumerated() {
                let path = "pools[\(index)]"
                guard case .mapping(let members) = item else {
                    throw SeedError(file: file, line: item.mark?.line, path: path, "must be a map of the pool's settings.")
                }
                var fields: [String: JSONValue] = [:]
                let keyLines = lines(of: members)
                var lists: [String: [Seed.Entry]] = [:]
                var mfaConfig: Seed.Entry?
                for (name, member) in members {
                    guard let key = name.string else { continue }
                    if key == "MfaConfig" {
                        guard case .object(let object) = try json(member, file: file, path: "\(path).MfaConfig") else {
                            throw SeedError(
                                file: file, line: member.mark?.line, path: "\(path).MfaConfig", "must be a map of SetUserPoolMfaConfig's members.")
                        }
                        mfaConfig = Seed.Entry(
                            fields: object, path: "\(path).MfaConfig", line: member.mark?.line, keyLines: member.mapping.map(lines) ?? [:])
                    } else if nested.contains(key) {
                        guard case .sequence(let entries) = member else {
                            throw SeedError(file: file, line: member.mark?.line, path: "\(path).\(key)", "must be a list.")
                        }
                        lists[key] = try entries.enumerated().map { offset, entry in
                            let entryPath = "\(path).\(key)[\(offset)]"
                            guard case .object(let object) = try json(entry, file: file, path: entryPath) else {
                                throw SeedError(file: file, line: entry.mark?.line, path: entryPath, "must be a map.")
                            }
                            return Seed.Entry(fields: object, path: entryPath, line: entry.mark?.line, keyLines: entry.mapping.map(lines) ?? [:])
                        }
                    } else {
                        fields[key] = try json(member, file: file, path: "\(path).\(key)")
                    }
                }
                var pool = Seed.Pool(pool: Seed.Entry(fields: fields, path: path, line: item.mark?.line, keyLines: keyLines))
                pool.clients = lists["Clients"] ?? []
                pool.groups = lists["Groups"] ?? []
                pool.resourceServers = lists["ResourceServers"] ?? []
                pool.domains = lists["Domains"] ?? []
                pool.users = lists["Users"] ?? []
                pool.mfaConfig = mfaConfig
                pools.append(pool)
            }
        }
        return Seed(file: file, pools: pools)
    }

    /// The line of each key of a map.
    static func lines(of mapping: Node.Mapping) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, _) in mapping { if let name = key.string, let line = key.mark?.line { out[name] = line } }
        return out
    }

    /// A node as the API's JSON value: YAML's resolved types for scalars (quote a value to keep it text).
    static func json(_ node: Node, file: String, path: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            case Tag.Name.null.rawValue: return .null
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var out: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw SeedError(file: file, line: key.mark?.line, path: path, "keys are text.")
                }
                out[name] = try json(value, file: file, path: path + "." + name)
            }
            return .object(out)
        case .sequence(let sequence):
            return .array(try sequence.enumerated().map { try json($1, file: file, path: "\(path)[\($0)]") })
        case .alias:
            throw SeedError(file: file, line: node.mark?.line, path: path, "aliases are not taken.")
        }
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    /// The comment an export starts with: what it holds, and what re-applying it gives users.
    static func exportHeader(poolID: String, withPasswords: Bool) -> String {
        let passwords =
            withPasswords
            ? """
            # Every user has the temporary password given with --export-password: applied, each signs in with it once
            # and chooses their own (FORCE_CHANGE_PASSWORD).
            """
            : """
            # Passwords are not exported (Cognate keeps only verifiers). Applied as it is, this file makes users no one
            # can sign in as until an administrator sets a password: give each user a Password (Permanent: false for a
            # temporary one), or export again with --export-password TEXT to give every user a temporary password.
            """
        return """
            # The pool \(poolID) as a seed file (cognate --export-seed), the input of --seed.
            \(passwords)
            # It holds client secrets and TOTP seeds: keep it as safe as the database.

            """
    }

    /// A document as YAML, members in a stable order (`Id` and the names first, then alphabetical).
    static func yaml(_ document: JSONValue) throws -> String {
        try Yams.serialize(node: node(document))
    }

    static let leading = ["Id", "PoolName", "ClientName", "ClientId", "GroupName", "Identifier", "Username", "Domain", "Name", "Value"]

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? Node(String(Int(number)), Tag(.int)) : Node(String(number), Tag(.float))
        case .string(let text): return Node(text, Tag(.str), needsQuotes(text) ? .doubleQuoted : .any)
        case .array(let items): return Node(items.map(node))
        case .object(let members):
            let keys = members.keys.sorted { a, b in
                let (i, j) = (leading.firstIndex(of: a) ?? Int.max, leading.firstIndex(of: b) ?? Int.max)
                return i != j ? i < j : a < b
            }
            return Node(keys.map { (Node($0), node(members[$0]!)) })
        }
    }

    /// Text YAML would read as another type (`true`, `42`, `null`) is quoted to stay text.
    static func needsQuotes(_ text: String) -> Bool {
        ["true", "false", "yes", "no", "on", "off", "null", "~", ""].contains(text.lowercased()) || Double(text) != nil
    }
}
