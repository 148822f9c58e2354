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

    @Flag(help: "Print the version and exit.")
    var version = false

    static let logLevels = Logger.Level.allCases.map(\.rawValue)

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535 (0: any free port).") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Self.logLevels.joined(separator: ", ")).")
        }
        guard idleTimeout > 0, requestTimeout > 0 else { throw ValidationError("--idle-timeout and --request-timeout must be positive.") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive.") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
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
        var logger = Logger(label: "cognate")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Every file Cognate makes (the database, its WAL files) is the owner's alone.
        umask(0o077)
        let key: SymmetricKey
        let storage: SQLStorage
        do {
            key = try secretsKey()
            // SQL statements are for trace logging; debug is one line per request.
            var sqlLogger = logger
            if logger.logLevel == .debug { sqlLogger.logLevel = .info }
            storage = try await SQLiteStorage.open(inMemory ? .memory : .file(path: db), logger: sqlLogger)
        } catch {
            throw StartFailure("cannot open the database at \(db): \(Self.reason(error))")
        }
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
        let accessKeys: AccessKeys?
        do {
            accessKeys = try AccessKeys.load(file: credentials, environment: ProcessInfo.processInfo.environment)
        } catch {
            try await storage.close()
            throw error
        }
        if publicUrl == nil && (host == "0.0.0.0" || host == "::") {
            logger.warning("Without --public-url, token issuers and page links name \(host), which no client can reach. In a container, give --public-url with the address clients use (for example http://localhost:\(port)).")
        }
        if accessKeys == nil && !Self.isLoopback(host) {
            logger.warning("Cognate listens on \(host) without SigV4 credentials: anyone who reaches the port can call every administrative operation. Give --credentials FILE (or COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY).")
        }
        let limits = ConnectionLimits(
            idleTimeout: .seconds(idleTimeout), requestTimeout: .seconds(requestTimeout), maxConnections: maxConnections)
        let scheme = tlsCert == nil ? "http" : "https"
        let place = inMemory ? "in memory" : db
        do {
            let app = try CognateApp.build(
                configuration: AppConfiguration(
                    host: host, port: port, region: region, testEndpoints: testEndpoints, publicURL: publicUrl, limits: limits,
                    accessKeys: accessKeys, tls: tlsCert.flatMap { cert in tlsKey.map { (cert, $0) } }),
                dependencies: dependencies, logger: logger,
                onRunning: { [logger, host] bound in
                    logger.notice("Cognate \(BuildInfo.version) serving the cognito-idp API on \(scheme)://\(host):\(bound) (database: \(place))")
                }
            )
            try await app.runService()
        } catch {
            // Nothing listens: the storage closes before the process ends, and the reason is said plainly.
            try? await storage.close()
            throw StartFailure("cannot serve on \(host):\(port): \(Self.reason(error))")
        }
        try await storage.close()
        logger.notice("Cognate stopped")
    }

    /// What went wrong, in a sentence (not a type dump).
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("errno: 98") { return "the address is already in use" }
        if let cocoa = error as? CocoaError, let path = cocoa.filePath { return "\(cocoa.localizedDescription) (\(path))" }
        return (error as? any LocalizedError)?.errorDescription ?? text
    }
}

/// A start that cannot go on: printed as one line, exit status 1.
struct StartFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
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
