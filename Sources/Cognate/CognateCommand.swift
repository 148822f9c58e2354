import ArgumentParser
import CognateHTTP
import CognateSQL
import CognateSQLite
import CognateServices
import CognateStorage
import CognateWire
import CognitoModel
import Crypto
import Foundation
import Hummingbird
import Logging

/// `cognate`: serves the Cognito user pools API (`cognate --print-coverage` prints the coverage table).
@main
struct CognateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cognate",
        abstract: "A server implementing the Amazon Cognito user pools (cognito-idp) API.",
        discussion: "With no options it serves on http://127.0.0.1:9229 with its database in ./.cognate/."
    )

    // Every option may also come from the environment (COGNATE_ and the option's name, as in COGNATE_PUBLIC_URL)
    // or from the config file; the command line wins. The defaults are Settings'.

    @Option(
        help: ArgumentHelp(
            "A config file (JSON or YAML) with any of the options below, as camelCase keys. Also COGNATE_CONFIG.",
            valueName: "file"))
    var config: String?

    @Option(help: "Address to listen on (default: 127.0.0.1). COGNATE_HOST.")
    var host: String?

    @Option(help: "Port to listen on; 0 for any free port (default: 9229). COGNATE_PORT.")
    var port: Int?

    @Option(
        help:
            "SQLite database file, created if missing (default: ./.cognate/cognate.sqlite), or postgres://user:password@host:port/database for several nodes on PostgreSQL. COGNATE_DB or COGNATE_DATABASE_URL."
    )
    var db: String?

    @Flag(inversion: .prefixedNo, help: "Keep all state in memory; nothing survives a restart. COGNATE_IN_MEMORY.")
    var inMemory: Bool?

    @Option(help: "Region for new IDs and ARNs when a request's SigV4 credential scope names none (default: us-east-1). COGNATE_REGION.")
    var region: String?

    @Option(help: "Account ID in ARNs (default: 000000000000). COGNATE_ACCOUNT_ID.")
    var accountId: String?

    @Option(help: "The URL clients reach Cognate at (token issuers are this plus the pool ID). Default: http://HOST:PORT. COGNATE_PUBLIC_URL.")
    var publicUrl: String?

    @Option(help: "Log level: trace, debug (one line per request), info, notice, warning, error, critical (default: info). COGNATE_LOG_LEVEL.")
    var logLevel: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Serve the endpoints for test suites: /_cognate/outbox (every message sent, codes included), /_cognate/reset, /moto-api/reset and /_cognate/clock (default: on). Turn them off (--no-test-endpoints) wherever others can reach the server. COGNATE_TEST_ENDPOINTS."
    )
    var testEndpoints: Bool?

    @Option(
        help:
            "Where Lambda triggers are invoked (the Lambda Invoke API of ministack, LocalStack, sam local start-lambda…). Default: the Lambda endpoint of each function ARN's region. COGNATE_LAMBDA_ENDPOINT."
    )
    var lambdaEndpoint: String?

    @Option(help: "Seconds each attempt to invoke a trigger may take (default: 5, as Cognito). COGNATE_LAMBDA_TIMEOUT.")
    var lambdaTimeout: Int?

    @Option(help: "Attempts to invoke a trigger that times out or cannot be reached (default: 3, as Cognito). COGNATE_LAMBDA_ATTEMPTS.")
    var lambdaAttempts: Int?

    @Option(
        help:
            "Social providers answered by a local OpenID provider: TYPE=ISSUER pairs separated by commas (Google=http://localhost:9400). Their endpoints then come from that issuer's discovery document. COGNATE_SOCIAL_ISSUERS."
    )
    var socialIssuers: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Let identity providers' URLs (OIDC issuers and endpoints, SAML MetadataURL) use plain http and local or private addresses, and client metadata documents come from special-use addresses, for servers run locally (default: off: https to public hosts only; documents on loopback while Cognate listens on loopback). COGNATE_ALLOW_LOCAL_PROVIDERS."
    )
    var allowLocalProviders: Bool?

    @Option(
        help:
            "A geo-IP database in the MaxMind DB format (GeoLite2-City and the like) that places sessions' IP addresses (their LastLocation). Without one, locations are unknown. COGNATE_GEOIP_DATABASE."
    )
    var geoipDatabase: String?

    @Option(
        help:
            "A file of passwords, or of their SHA-1 hashes in hex (one per line, HASH:count as breach corpora publish them), that threat protection treats as compromised, besides the built-in list of common passwords. COGNATE_COMPROMISED_PASSWORDS."
    )
    var compromisedPasswords: String?

    @Option(
        help: ArgumentHelp(
            "Trust the CA certificates in this PEM file, besides the system's, when Cognate calls out over HTTPS (client metadata documents, identity providers): for servers with a private or self-signed certificate. COGNATE_CA_FILE.",
            valueName: "file"))
    var caFile: String?

    @Option(
        help:
            "Where pools' exported logs (SetLogDeliveryConfiguration) are sent instead of AWS's endpoints: a stand-in for CloudWatch Logs, S3 and Firehose (moto's or ministack's server). COGNATE_LOG_DELIVERY_ENDPOINT."
    )
    var logDeliveryEndpoint: String?

    @Option(
        help:
            "A file every exported log record is also appended to, one JSON object a line, for teams without AWS. COGNATE_LOG_DELIVERY_FILE."
    )
    var logDeliveryFile: String?

    @Option(
        help:
            "Where user import jobs' per-line results go besides Cognate's own record: local (nowhere else) or cloudwatch (CloudWatch Logs' group /aws/cognito/userpools/<pool>/<name>, at --log-delivery-endpoint or AWS). Default: local. COGNATE_USER_IMPORT_LOGS."
    )
    var userImportLogs: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Enforce AWS's request-rate quotas: each API operation and web endpoint counted in its category (UserAuthentication 120/s, UserCreation 50/s, …) at its default or provisioned rate, TooManyRequestsException or HTTP 429 past it (default: off). COGNATE_ENFORCE_QUOTAS."
    )
    var enforceQuotas: Bool?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Journal every change to user data (users, groups, memberships) for point-in-time recovery, kept for the pool's plan's window (default: on). With --no-recovery-journal writes cost less and InitiatePointInTimeRecovery answers OperationNotEnabledException. COGNATE_RECOVERY_JOURNAL."
    )
    var recoveryJournal: Bool?

    @Option(
        help:
            "The account's maximum for adjustable quota categories, standing in for Service Quotas: CATEGORY=RPS pairs separated by commas (UserAuthentication=1000). Default: ten times each category's default. COGNATE_QUOTA_MAXIMUMS."
    )
    var quotaMaximums: String?

    @Option(
        help:
            "Who may read GET /metrics: open (anyone who reaches the port), signed (SigV4 by one of --credentials' keys) or off. Default: signed with --credentials, else open on loopback and off beyond it. COGNATE_METRICS."
    )
    var metrics: String?

    @Option(
        help:
            "Where the data keys of custom-sender codes come from (the KMS API of ministack, moto, LocalStack…). Default: the KMS endpoint of the key ARN's region. COGNATE_KMS_ENDPOINT."
    )
    var kmsEndpoint: String?

    @Option(help: "Seconds a connection may stay idle (or take to send a request's head) before it is closed (default: 60). COGNATE_IDLE_TIMEOUT.")
    var idleTimeout: Int?

    @Option(help: "Seconds a request's body may take to arrive after its head (default: 30). COGNATE_REQUEST_TIMEOUT.")
    var requestTimeout: Int?

    @Option(help: "Connections held open at once; more are closed as soon as they are accepted (default: 512). COGNATE_MAX_CONNECTIONS.")
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "Access keys (AWS shared-credentials form) whose SigV4 signatures are accepted; with them, every operation AWS authorizes with IAM needs a valid signature. COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY add one more. COGNATE_CREDENTIALS.",
            valueName: "file"))
    var credentials: String?

    @Option(
        help: ArgumentHelp(
            "The key that seals TOTP seeds, client secrets and signing keys in the database: 32 bytes in base64. Also COGNATE_SECRETS_KEY (the key itself). Default: a key made on first start beside the database (secrets.key). COGNATE_SECRETS_KEY_FILE.",
            valueName: "file"))
    var secretsKeyFile: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM); needs --tls-key. COGNATE_TLS_CERT.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-cert. COGNATE_TLS_KEY.", valueName: "file"))
    var tlsKey: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Tokens carry AWS's issuer, https://cognito-idp.REGION.amazonaws.com/POOL_ID, for verifiers that hard-code it (the keys and discovery stay served here). COGNATE_AWS_ISSUER."
    )
    var awsIssuer: Bool?

    @Flag(inversion: .prefixedNo, help: "Write codes and temporary passwords into the log (masked by default). COGNATE_LOG_CODES.")
    var logCodes: Bool?

    @Option(
        help: ArgumentHelp(
            "A seed file (YAML or JSON): pools with pinned IDs, their app clients, groups, resource servers, domains and users, created at start when missing (existing ones are left as they are). COGNATE_SEED.",
            valueName: "file"))
    var seed: String?

    @Option(help: ArgumentHelp("Print the pool with this ID as a seed file (YAML) and exit: the input of --seed.", valueName: "pool-id"))
    var exportSeed: String?

    @Option(
        help: ArgumentHelp(
            "With --export-seed: give every exported user this temporary password (passwords themselves are never exported), so that each can sign in once the file is applied and choose their own.",
            valueName: "password"))
    var exportPassword: String?

    @Flag(help: "Ask the server running with these settings for /_cognate/health; exit status 0 when it is up (a container's HEALTHCHECK).")
    var checkHealth = false

    @Flag(help: "Print the coverage table of the 153 operations (Markdown) and exit.")
    var printCoverage = false

    @Flag(help: "Print the version and exit.")
    var version = false

    func validate() throws {
        if exportPassword != nil && exportSeed == nil { throw ValidationError("--export-password goes with --export-seed.") }
    }

    func run() async throws {
        if version {
            print(BuildInfo.description)
            return
        }
        if printCoverage {
            try await Self.printCoverage()
            return
        }
        let settings: Settings
        do {
            settings = try await Settings.resolve(self, environment: ProcessInfo.processInfo.environment)
        } catch let invalid as Settings.Invalid {
            throw StartFailure(invalid.description)
        }
        if checkHealth {
            if !HealthCheck.run(settings) { throw ExitCode.failure }
            return
        }
        if let exportSeed {
            print(try await Launcher(settings: settings).exportSeed(poolID: exportSeed, temporaryPassword: exportPassword), terminator: "")
            return
        }
        try await Launcher(settings: settings).run()
    }
}

/// A start that cannot go on: printed as one line, exit status 1.
struct StartFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CognateCommand {
    static func printCoverage() async throws {
        var logger = Logger(label: "cognate")
        logger.logLevel = .error
        var settings = Settings()
        settings.inMemory = true
        let implemented = try await Launcher(settings: settings).withStorage(logger: logger, serving: false) { dependencies in
            Services.operationTable(dependencies).implemented
        }
        print(CoverageReport.markdown(implemented: implemented))
    }
}

extension String {
    func trimmingSuffix(_ suffix: Character) -> String {
        var s = self
        while s.last == suffix { s.removeLast() }
        return s
    }
}
