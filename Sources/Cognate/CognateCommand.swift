import ArgumentParser
import CognateHTTP
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

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 9229

    @Option(help: "SQLite database file. Created if missing.")
    var db = "./.cognate/cognate.sqlite"

    @Flag(help: "Keep all state in memory; nothing survives a restart.")
    var inMemory = false

    @Option(help: "Region for new IDs and ARNs when a request's SigV4 credential scope names none.")
    var region = "us-east-1"

    @Option(help: "Account ID in ARNs.")
    var accountId = "000000000000"

    @Option(help: "The URL clients reach Cognate at (token issuers are this plus the pool ID). Default: http://HOST:PORT.")
    var publicUrl: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Flag(
        inversion: .prefixedNo,
        help: "Serve the endpoints for test suites: /_cognate/outbox (every message sent, codes included), /_cognate/reset, /moto-api/reset and /_cognate/clock. Turn them off (--no-test-endpoints) wherever others can reach the server."
    )
    var testEndpoints = true

    @Option(help: "Seconds a connection may stay idle (or take to send a request's head) before it is closed.")
    var idleTimeout = 60

    @Option(help: "Seconds a request's body may take to arrive after its head.")
    var requestTimeout = 30

    @Option(help: "Connections held open at once; more are closed as soon as they are accepted.")
    var maxConnections = 512

    @Option(help: ArgumentHelp(
        "Access keys (AWS shared-credentials form) whose SigV4 signatures are accepted; with them, every operation AWS authorizes with IAM needs a valid signature. COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY add one more.",
        valueName: "file"))
    var credentials: String?

    @Option(help: ArgumentHelp(
        "The key that seals TOTP seeds, client secrets and signing keys in the database: 32 bytes in base64. Also COGNATE_SECRETS_KEY. Default: a key made on first start beside the database (secrets.key).",
        valueName: "file"))
    var secretsKeyFile: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM); needs --tls-key.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Flag(help: "Tokens carry AWS's issuer, https://cognito-idp.REGION.amazonaws.com/POOL_ID, for verifiers that hard-code it (the keys and discovery stay served here).")
    var awsIssuer = false

    @Flag(help: "Write codes and temporary passwords into the log (masked by default).")
    var logCodes = false

    @Flag(help: "Print the coverage table of the 153 operations (Markdown) and exit.")
    var printCoverage = false

    func validate() throws {
        guard idleTimeout > 0, requestTimeout > 0 else { throw ValidationError("--idle-timeout and --request-timeout must be positive.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive.") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
    }

    func run() async throws {
        if printCoverage {
            try await Self.printCoverage()
            return
        }
        var logger = Logger(label: "cognate")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Every file Cognate makes (the database, its WAL files) is the owner's alone.
        umask(0o077)
        let key = try secretsKey()
        let storage = try await SQLiteStorage.open(inMemory ? .memory : .file(path: db), logger: logger)
        let sealed = SealedStorage(storage, sealer: AESGCMSealer(key: key))
        do {
            try await Self.checkSecretsKey(sealed)
        } catch {
            try await storage.close()
            throw error
        }
        let dependencies = ServiceDependencies(
            storage: sealed,
            clock: testEndpoints ? OffsetClock() : SystemClock(),
            configuration: ServiceConfiguration(
                defaultRegion: region, accountID: accountId,
                publicBaseURL: (publicUrl ?? "\(tlsCert == nil ? "http" : "https")://\(host):\(port)").trimmingSuffix("/"),
                keepsOutbox: testEndpoints, logsCodes: logCodes,
                simulationKey: HKDF<SHA256>.deriveKey(
                    inputKeyMaterial: key, info: Array("cognate: stand-ins for missing users".utf8), outputByteCount: 32),
                awsFormIssuer: awsIssuer),
            logger: logger
        )
        let accessKeys = try AccessKeys.load(file: credentials, environment: ProcessInfo.processInfo.environment)
        if accessKeys == nil && !Self.isLoopback(host) {
            logger.warning("Cognate listens on \(host) without SigV4 credentials: anyone who reaches the port can call every administrative operation. Give --credentials FILE (or COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY).")
        }
        let limits = ConnectionLimits(
            idleTimeout: .seconds(idleTimeout), requestTimeout: .seconds(requestTimeout), maxConnections: maxConnections)
        let app = try CognateApp.build(
            configuration: AppConfiguration(
                host: host, port: port, region: region, testEndpoints: testEndpoints, publicURL: publicUrl, limits: limits,
                accessKeys: accessKeys, tls: tlsCert.flatMap { cert in tlsKey.map { (cert, $0) } }),
            dependencies: dependencies, logger: logger
        )
        logger.notice("Cognate serving the cognito-idp API on \(tlsCert == nil ? "http" : "https")://\(host):\(port) (database: \(inMemory ? "in memory" : db))")
        try await app.runService()
        try await storage.close()
    }
}

extension CognateCommand {
    /// The secrets key: from --secrets-key-file, COGNATE_SECRETS_KEY, or the file beside the database
    /// (made on first start); an in-memory database, which keeps nothing, gets a fresh one.
    func secretsKey() throws -> SymmetricKey {
        if let secretsKeyFile { return try SecretsKey.load(path: secretsKeyFile) }
        if let text = ProcessInfo.processInfo.environment["COGNATE_SECRETS_KEY"] { return try SecretsKey.parse(text, source: "COGNATE_SECRETS_KEY") }
        if inMemory { return SymmetricKey(size: .bits256) }
        let directory = URL(fileURLWithPath: db).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try SecretsKey.loadOrCreate(path: directory.appendingPathComponent("secrets.key").path)
    }

    /// Opens a few stored signing keys, so that a wrong secrets key stops the start instead of failing
    /// every sign-in later.
    static func checkSecretsKey(_ storage: SealedStorage) async throws {
        for pool in try await storage.listUserPools(PageRequest(limit: 10)).items {
            _ = try await storage.signingKeys(poolID: pool.id)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func printCoverage() async throws {
        var logger = Logger(label: "cognate")
        logger.logLevel = .error
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let table = Services.operationTable(ServiceDependencies(storage: storage, logger: logger))
        print(CoverageReport.markdown(implemented: table.implemented))
        try await storage.close()
    }
}

extension String {
    func trimmingSuffix(_ suffix: Character) -> String {
        var s = self
        while s.last == suffix { s.removeLast() }
        return s
    }
}
