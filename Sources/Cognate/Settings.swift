import ArgumentParser
import CognateHTTP
import CognateLambda
import CognateServices
import Configuration
import Foundation
import Logging
import SystemPackage

/// Cognate's options once resolved: the command line first, then the environment (`COGNATE_PORT`, …), then
/// the config file (`--config`, or `COGNATE_CONFIG`; JSON or YAML, keys as in `docs/CONFIGURATION.md`), then
/// the defaults. Read with swift-configuration.
struct Settings: Sendable {
    var host = "127.0.0.1"
    var port = 9229
    var db = "./.cognate/cognate.sqlite"
    var inMemory = false
    var region = "us-east-1"
    var accountId = "000000000000"
    var publicUrl: String?
    var logLevel = Logger.Level.info
    var testEndpoints = true
    var idleTimeout = 60
    var requestTimeout = 30
    var maxConnections = 512
    var credentials: String?
    var secretsKeyFile: String?
    var tlsCert: String?
    var tlsKey: String?
    var awsIssuer = false
    var logCodes = false
    var seed: String?
    var lambdaEndpoint: String?
    var lambdaTimeout = 5
    var lambdaAttempts = 3
    var kmsEndpoint: String?
    var socialIssuers: String?
    /// Who may read /metrics; nil: the default for the address and keys (`MetricsAccess.defaultAccess`).
    var metrics: String?
    var allowLocalProviders = false
    /// A geo-IP database in the MaxMind DB format, to place sessions' addresses.
    var geoipDatabase: String?
    /// A file of passwords or SHA-1 hashes threat protection treats as compromised, besides the built-in list.
    var compromisedPasswords: String?
    var caFile: String?
    /// A stand-in for CloudWatch Logs, S3 and Firehose that log export calls instead of AWS.
    var logDeliveryEndpoint: String?
    /// A file every exported log record is appended to.
    var logDeliveryFile: String?
    /// `local` or `cloudwatch`: whether import jobs' results also go to CloudWatch Logs.
    var userImportLogs = "local"
    /// Count requests against AWS's request-rate quotas.
    var enforceQuotas = false
    /// Journal changes to user data for point-in-time recovery.
    var recoveryJournal = true
    /// `CATEGORY=RPS,…`: the account's maximum for adjustable categories (UpdateProvisionedLimit's ceiling).
    var quotaMaximums: String?
    /// The secrets key itself (`COGNATE_SECRETS_KEY`), when no `secretsKeyFile` names one. Not an option:
    /// a key on the command line shows in every process listing.
    var secretsKey: String?
    /// One more access key beside `credentials`' (`COGNATE_ACCESS_KEY_ID`, `COGNATE_SECRET_ACCESS_KEY`).
    var accessKeyId: String?
    var secretAccessKey: String?
    /// What signs Cognate's calls to Lambda and KMS: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN`, else a placeholder any local endpoint accepts.
    var awsCredentials = AWSCredentials.placeholder

    /// The database `db` names (checked: a URL Cognate cannot use is refused).
    func database() throws -> DatabaseLocation { try DatabaseLocation.parse(db) }

    /// `COGNATE_PUBLIC_URL` for `publicUrl`: what swift-configuration's environment provider reads.
    static func environmentName(_ key: String) -> String {
        var out = "COGNATE_"
        var previous: Character?
        for character in key {
            if character.isUppercase, previous?.isLowercase == true { out.append("_") }
            out.append(Character(character.uppercased()))
            previous = character
        }
        return out
    }

    /// A value from the environment or the file that cannot be used, named by where it came from.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// One source of values, and how its values are named in messages.
    struct Source {
        let reader: ConfigReader
        let name: (String) -> String

        func string(_ key: String) throws -> String? { try read(key, "text") { try reader.requiredString(forKey: $0) } }
        func int(_ key: String) throws -> Int? { try read(key, "a whole number") { try reader.requiredInt(forKey: $0) } }
        func bool(_ key: String) throws -> Bool? { try read(key, "true or false") { try reader.requiredBool(forKey: $0) } }

        /// A value of the key, nil when the source has none, and an error naming the source when it is not `kind`.
        private func read<T>(_ key: String, _ kind: String, _ get: (ConfigKey) throws -> T) throws -> T? {
            do {
                return try get(ConfigKey(key))
            } catch  where "\(error)".hasPrefix("Missing required config value") {
                return nil
            } catch {
                throw Invalid(description: "\(name(key)) must be \(kind).")
            }
        }
    }

    /// The sources below the command line: the environment, then the config file if one is named.
    static func sources(configFile: String?, environment: [String: String]) async throws -> [Source] {
        let env = Source(
            reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)).scoped(to: "cognate"),
            name: { environmentName($0) })
        guard let file = configFile ?? environment["COGNATE_CONFIG"] else { return [env] }
        let reader: ConfigReader
        do {
            let path = FilePath(file)
            if file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                reader = ConfigReader(provider: try await FileProvider<YAMLSnapshot>(filePath: path))
            } else {
                reader = ConfigReader(provider: try await FileProvider<JSONSnapshot>(filePath: path))
            }
        } catch {
            throw Invalid(description: "cannot read the config file \(file): \(error)")
        }
        return [env, Source(reader: reader, name: { "\(file): \($0)" })]
    }

    /// The command line's values over the sources' over the defaults.
    static func resolve(_ command: CognateCommand, environment: [String: String]) async throws -> Settings {
        let sources = try await sources(configFile: command.config, environment: environment)
        func string(_ key: String, _ given: String?) throws -> String? {
            if let given { return given }
            for source in sources { if let value = try source.string(key) { return value } }
            return nil
        }
        func int(_ key: String, _ given: Int?) throws -> Int? {
            if let given { return given }
            for source in sources { if let value = try source.int(key) { return value } }
            return nil
        }
        func bool(_ key: String, _ given: Bool?) throws -> Bool? {
            if let given { return given }
            for source in sources { if let value = try source.bool(key) { return value } }
            return nil
        }
        var s = Settings()
        s.host = try string("host", command.host) ?? s.host
        s.port = try int("port", command.port) ?? s.port
        // COGNATE_DATABASE_URL is the name services that hand out databases use.
        s.db = try string("db", command.db) ?? environment["COGNATE_DATABASE_URL"] ?? s.db
        s.inMemory = try bool("inMemory", command.inMemory) ?? s.inMemory
        s.region = try string("region", command.region) ?? s.region
        s.accountId = try string("accountId", command.accountId) ?? s.accountId
        s.publicUrl = try string("publicUrl", command.publicUrl)
        if let level = try string("logLevel", command.logLevel) {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            s.logLevel = parsed
        }
        s.testEndpoints = try bool("testEndpoints", command.testEndpoints) ?? s.testEndpoints
        s.idleTimeout = try int("idleTimeout", command.idleTimeout) ?? s.idleTimeout
        s.requestTimeout = try int("requestTimeout", command.requestTimeout) ?? s.requestTimeout
        s.maxConnections = try int("maxConnections", command.maxConnections) ?? s.maxConnections
        s.credentials = try string("credentials", command.credentials)
        s.secretsKeyFile = try string("secretsKeyFile", command.secretsKeyFile)
        s.tlsCert = try string("tlsCert", command.tlsCert)
        s.tlsKey = try string("tlsKey", command.tlsKey)
        s.awsIssuer = try bool("awsIssuer", command.awsIssuer) ?? s.awsIssuer
        s.logCodes = try bool("logCodes", command.logCodes) ?? s.logCodes
        s.seed = try string("seed", command.seed)
        s.lambdaEndpoint = try string("lambdaEndpoint", command.lambdaEndpoint)
        s.lambdaTimeout = try int("lambdaTimeout", command.lambdaTimeout) ?? s.lambdaTimeout
        s.lambdaAttempts = try int("lambdaAttempts", command.lambdaAttempts) ?? s.lambdaAttempts
        s.kmsEndpoint = try string("kmsEndpoint", command.kmsEndpoint)
        s.socialIssuers = try string("socialIssuers", command.socialIssuers)
        s.metrics = try string("metrics", command.metrics)
        s.allowLocalProviders = try bool("allowLocalProviders", command.allowLocalProviders) ?? s.allowLocalProviders
        s.geoipDatabase = try string("geoipDatabase", command.geoipDatabase)
        s.compromisedPasswords = try string("compromisedPasswords", command.compromisedPasswords)
        s.caFile = try string("caFile", command.caFile)
        s.logDeliveryEndpoint = try string("logDeliveryEndpoint", command.logDeliveryEndpoint)
        s.logDeliveryFile = try string("logDeliveryFile", command.logDeliveryFile)
        s.userImportLogs = try string("userImportLogs", command.userImportLogs) ?? s.userImportLogs
        s.enforceQuotas = try bool("enforceQuotas", command.enforceQuotas) ?? s.enforceQuotas
        s.recoveryJournal = try bool("recoveryJournal", command.recoveryJournal) ?? s.recoveryJournal
        s.quotaMaximums = try string("quotaMaximums", command.quotaMaximums)
        s.secretsKey = try string("secretsKey", nil)
        s.accessKeyId = try string("accessKeyId", nil)
        s.secretAccessKey = try string("secretAccessKey", nil)
        s.awsCredentials = AWSCredentials(
            accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? s.awsCredentials.accessKeyID,
            secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? s.awsCredentials.secretAccessKey,
            sessionToken: environment["AWS_SESSION_TOKEN"])
        try s.validate()
        return s
    }

    func validate() throws {
        guard ["local", "cloudwatch"].contains(userImportLogs) else {
            throw ValidationError("--user-import-logs must be local or cloudwatch, not \(userImportLogs).")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (0: any free port).") }
        guard idleTimeout > 0, requestTimeout > 0 else { throw ValidationError("--idle-timeout and --request-timeout must be positive.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive.") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
        guard lambdaTimeout > 0, (1...10).contains(lambdaAttempts) else {
            throw ValidationError("--lambda-timeout must be positive and --lambda-attempts between 1 and 10.")
        }
        _ = try parsedSocialIssuers()
        _ = try parsedQuotaMaximums()
        if let metrics, MetricsAccess(rawValue: metrics) == nil {
            throw ValidationError("--metrics must be open, signed or off.")
        }
        for (option, endpoint) in [("--lambda-endpoint", lambdaEndpoint), ("--kms-endpoint", kmsEndpoint)] {
            guard let endpoint else { continue }
            guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("\(option) must be an http or https URL, such as http://localhost:4566.")
            }
        }
    }

    /// `--quota-maximums UserAuthentication=1000,UserRead=500`: adjustable categories' maximums, each at least the
    /// category's default.
    func parsedQuotaMaximums() throws -> [QuotaCategory: Int] {
        guard let text = quotaMaximums, !text.isEmpty else { return [:] }
        var out: [QuotaCategory: Int] = [:]
        let adjustable = QuotaCategory.allCases.filter(\.isAdjustable)
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let category = QuotaCategory(rawValue: parts[0]), category.isAdjustable, let value = Int(parts[1]),
                value >= category.defaultRate, value <= 1_000_000
            else {
                throw ValidationError(
                    "--quota-maximums takes CATEGORY=RPS pairs separated by commas: CATEGORY one of the adjustable categories (\(adjustable.map(\.rawValue).joined(separator: ", "))), RPS at least the category's default (\(adjustable.map { "\($0.rawValue) \($0.defaultRate)" }.joined(separator: ", ")))."
                )
            }
            out[category] = value
        }
        return out
    }

    static let socialTypes: Set<String> = ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"]

    /// `--social-issuers Google=http://localhost:9400,Facebook=…`: social providers a local OpenID provider answers.
    func parsedSocialIssuers() throws -> [String: String] {
        guard let text = socialIssuers, !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Self.socialTypes.contains(parts[0]), let url = URL(string: parts[1]),
                ["http", "https"].contains(url.scheme ?? ""), url.host != nil, !parts[1].hasSuffix("/")
            else {
                throw ValidationError(
                    "--social-issuers takes TYPE=ISSUER pairs separated by commas (TYPE: Google, Facebook, LoginWithAmazon or SignInWithApple; ISSUER: an http or https URL without a trailing slash)."
                )
            }
            out[parts[0]] = parts[1]
        }
        return out
    }
}
