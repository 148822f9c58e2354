import Foundation

/// The access keys whose SigV4 signatures Cognate accepts: access key ID to secret access key. Read from
/// a file in the AWS shared-credentials form (`[profile]`, `aws_access_key_id = …`,
/// `aws_secret_access_key = …`, one pair per profile) and from `COGNATE_ACCESS_KEY_ID` with
/// `COGNATE_SECRET_ACCESS_KEY`.
public struct AccessKeys: Sendable, Equatable {
    public var secrets: [String: String]

    public init(_ secrets: [String: String]) {
        self.secrets = secrets
    }

    /// A secret shorter than this is refused: it signs administrative requests and opens the console, where
    /// a word such as `password` falls to the first guesses. (AWS's own secret access keys have 40 characters.)
    public static let minimumSecretLength = 16
    static let shortSecret =
        "the secret access key must have at least \(minimumSecretLength) characters (AWS's have 40); make one with: head -c 30 /dev/urandom | base64"

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses the shared-credentials form; every profile must give both values.
    public static func parse(_ text: String, source: String) throws(LoadError) -> AccessKeys {
        var secrets: [String: String] = [:]
        var profile: (name: String, line: Int, id: String?, secret: String?)?

        func finish() throws(LoadError) {
            guard let current = profile else { return }
            guard let id = current.id, let secret = current.secret, !id.isEmpty, !secret.isEmpty else {
                throw LoadError(
                    description: "\(source):\(current.line): profile [\(current.name)] needs both aws_access_key_id and aws_secret_access_key")
            }
            guard secret.count >= minimumSecretLength else {
                throw LoadError(description: "\(source):\(current.line): profile [\(current.name)]: \(shortSecret)")
            }
            secrets[id] = secret
        }

        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                try finish()
                profile = (String(line.dropFirst().dropLast()), index + 1, nil, nil)
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw LoadError(description: "\(source):\(index + 1): expected key = value") }
            if profile == nil { profile = ("default", index + 1, nil, nil) }
            switch parts[0].lowercased() {
            case "aws_access_key_id": profile?.id = parts[1]
            case "aws_secret_access_key": profile?.secret = parts[1]
            default: continue
            }
        }
        try finish()
        guard !secrets.isEmpty else { throw LoadError(description: "\(source): no access keys found") }
        return AccessKeys(secrets)
    }

    /// The keys from `file` and the one pair given by the settings (`COGNATE_ACCESS_KEY_ID` with
    /// `COGNATE_SECRET_ACCESS_KEY`) together, or nil when neither gives any.
    public static func load(file: String?, accessKeyID: String?, secretAccessKey: String?) throws -> AccessKeys? {
        var secrets: [String: String] = [:]
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw LoadError(description: "\(file): cannot be read (\(error.localizedDescription))")
            }
            secrets.merge(try parse(text, source: file).secrets) { $1 }
        }
        if let id = accessKeyID, let secret = secretAccessKey, !id.isEmpty, !secret.isEmpty {
            guard secret.count >= minimumSecretLength else { throw LoadError(description: "COGNATE_SECRET_ACCESS_KEY: \(shortSecret)") }
            secrets[id] = secret
        }
        return secrets.isEmpty ? nil : AccessKeys(secrets)
    }
}
