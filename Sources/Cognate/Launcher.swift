import CognateGeoIP
import CognateHTTP
import CognateLambda
import CognatePostgres
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
import Metrics
import Prometheus

/// Runs Cognate with resolved settings: opens the storage, builds the server, serves until stopped, and
/// closes the storage whatever happens.
struct Launcher {
    let settings: Settings

    /// Opens the storage, gives `body` the services' dependencies over it (sealed with the secrets key), and
    /// closes the storage whatever happens: the one place storage is closed.
    /// `serving`: the process will serve the database, so an SQLite file is locked against a second server
    /// (an export only reads, beside a running server).
    func withStorage<T>(logger: Logger, serving: Bool = true, _ body: (ServiceDependencies) async throws -> T) async throws -> T {
        let (storage, key) = try await open(logger: logger, serving: serving)
        let result: T
        do {
            result = try await body(try await dependencies(storage: storage, key: key, logger: logger))
        } catch {
            try? await storage.close()
            throw error
        }
        // Closed once: a close that fails after the work succeeded is reported, not tried again.
        try await storage.close()
        return result
    }

    /// The storage the settings name, and the secrets key that seals it.
    private func open(logger: Logger, serving: Bool) async throws -> (SQLStorage, SymmetricKey) {
        // Every file Cognate makes (the database, its WAL files) is the owner's alone.
        umask(0o077)
        let location: DatabaseLocation
        do {
            location = try settings.database()
        } catch let unusable as DatabaseLocation.Unusable {
            throw StartFailure("cannot use the database \(DatabaseLocation.redacted(settings.db)): \(unusable.description)")
        }
        do {
            let key = try secretsKey(location)
            // SQL statements are for trace logging; debug is one line per request.
            var sqlLogger = logger
            if logger.logLevel == .debug { sqlLogger.logLevel = .info }
            switch location {
            case _ where settings.inMemory:
                return (try await SQLiteStorage.open(.memory, logger: sqlLogger), key)
            case .sqlite(let path):
                return (try await SQLiteStorage.open(.file(path: path), logger: sqlLogger, exclusive: serving), key)
            case .postgres(let url):
                return (try await PostgresStorage.open(url: url, logger: sqlLogger), key)
            }
        } catch let unusable as DatabaseLocation.Unusable {
            throw StartFailure("cannot use the database \(location.display): \(unusable.description)")
        } catch {
            throw StartFailure("cannot open the database at \(location.display): \(Self.reason(error))")
        }
    }

    /// The services' dependencies over the opened storage, once the secrets key is known to open what it sealed.
    private func dependencies(storage: SQLStorage, key: SymmetricKey, logger: Logger) async throws -> ServiceDependencies {
        let sealed = SealedStorage(storage, sealer: AESGCMSealer(key: key))
        try await Self.checkSecretsKey(sealed)
        var configuration = ServiceConfiguration(
            defaultRegion: settings.region, accountID: settings.accountId,
            publicBaseURL: (settings.publicUrl ?? "\(settings.tlsCert == nil ? "http" : "https")://\(settings.host):\(settings.port)").trimmingSuffix(
                "/"),
            keepsOutbox: settings.testEndpoints, logsCodes: settings.logCodes,
            simulationKey: HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key, info: Array("cognate: stand-ins for missing users".utf8), outputByteCount: 32),
            awsFormIssuer: settings.awsIssuer, socialIssuers: try settings.parsedSocialIssuers())
        configuration.providerURLs = ProviderURLPolicy(allowsLocal: settings.allowLocalProviders)
        if let caFile = settings.caFile, (try? String(contentsOfFile: caFile, encoding: .utf8))?.contains("-----BEGIN CERTIFICATE-----") != true {
            throw StartFailure("cannot read CA certificates (PEM) from \(caFile)")
        }
        // The draft's exception for local testing: documents on loopback while the server itself listens there.
        configuration.metadataDocumentAddresses =
            settings.allowLocalProviders
            ? .any : .publicOnly(allowingLoopback: SpecialUseAddresses.isLoopback(settings.host) || settings.host == "localhost")
        configuration.enforcesQuotas = settings.enforceQuotas
        configuration.keepsRecoveryJournal = settings.recoveryJournal
        configuration.quotaMaximums = try settings.parsedQuotaMaximums()
        if let path = settings.compromisedPasswords {
            do {
                configuration.compromisedPasswords = try CompromisedPasswords.loading(path)
            } catch {
                throw StartFailure("cannot read the compromised-password list \(path): \(Self.reason(error))")
            }
        }
        return ServiceDependencies(
            storage: sealed,
            clock: settings.testEndpoints ? OffsetClock() : SystemClock(),
            configuration: configuration,
            logger: logger,
            functions: LambdaInvoker(
                endpoint: settings.lambdaEndpoint.flatMap(URL.init(string:)), attemptTimeout: .seconds(Int64(settings.lambdaTimeout)),
                attempts: settings.lambdaAttempts, logger: logger, credentials: settings.awsCredentials),
            keys: KMSClient(endpoint: settings.kmsEndpoint.flatMap(URL.init(string:)), logger: logger, credentials: settings.awsCredentials),
            web: HTTPWebClient(trustedCertificates: settings.caFile, logger: logger),
            geoIP: try settings.geoipDatabase.map { path in
                do {
                    return try MaxMindDatabase(path: path)
                } catch {
                    throw StartFailure("cannot read the geo-IP database \(path): \(error)")
                }
            },
            logExport: try logExport(logger: logger),
            userImportLogs: settings.userImportLogs == "cloudwatch" ? try logShipper(logger: logger) : nil
        )
    }

    /// Log export: to AWS (or `--log-delivery-endpoint`) with the process's AWS credentials, and to
    /// `--log-delivery-file` when one is named.
    private func logExport(logger: Logger) throws -> LogExport {
        let shipper = try logShipper(logger: logger)
        do {
            return try LogExport(shipper: shipper, file: settings.logDeliveryFile, logger: logger)
        } catch {
            throw StartFailure("cannot write the log delivery file \(settings.logDeliveryFile ?? ""): \(Self.reason(error))")
        }
    }

    /// What delivers logs to AWS (or `--log-delivery-endpoint`) with the process's AWS credentials.
    private func logShipper(logger: Logger) throws -> AWSLogShipper {
        var endpoint: URL?
        if let text = settings.logDeliveryEndpoint {
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw StartFailure("--log-delivery-endpoint must be an http or https URL, not \(text)")
            }
            endpoint = url
        }
        return AWSLogShipper(endpoint: endpoint, accountID: settings.accountId, credentials: settings.awsCredentials, logger: logger)
    }

    /// `--export-seed POOL_ID`: the pool as a seed file (YAML), without serving; with `--export-password`,
    /// every user has it as a temporary password.
    func exportSeed(poolID: String, temporaryPassword: String? = nil) async throws -> String {
        var logger = Logger(label: "cognate")
        logger.logLevel = .error
        return try await withStorage(logger: logger, serving: false) { dependencies in
            do {
                let document = try await SeedExport(dependencies).export(poolID: poolID, temporaryPassword: temporaryPassword)
                return SeedFile.exportHeader(poolID: poolID, withPasswords: temporaryPassword != nil) + (try SeedFile.yaml(document))
            } catch let error as CognitoError {
                throw StartFailure("cannot export \(poolID): \(error.message)")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "cognate")
        logger.logLevel = settings.logLevel
        // Every metric of the process goes to this registry, served at /metrics.
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        MetricsSystem.bootstrap(factory)
        try await withStorage(logger: logger) { dependencies in
            if let seedFile = settings.seed {
                do {
                    let report = try await Seeder(dependencies).apply(try SeedFile.load(path: seedFile))
                    logger.notice("Seed \(seedFile) applied: \(report.created.isEmpty ? "nothing was missing" : "\(report.created.count) created")")
                } catch {
                    throw StartFailure("\(error)")
                }
            }
            let accessKeys = try AccessKeys.load(
                file: settings.credentials, accessKeyID: settings.accessKeyId, secretAccessKey: settings.secretAccessKey)
            let metricsAccess = try warnAndCheck(accessKeys: accessKeys, logger: logger)
            try await serve(dependencies: dependencies, accessKeys: accessKeys, metricsAccess: metricsAccess, registry: registry, logger: logger)
        }
        logger.notice("Cognate stopped")
    }

    /// Says what the settings expose beyond this machine, and who may read /metrics.
    private func warnAndCheck(accessKeys: AccessKeys?, logger: Logger) throws -> MetricsAccess {
        if settings.publicUrl == nil && (settings.host == "0.0.0.0" || settings.host == "::") {
            logger.warning(
                "Without --public-url, token issuers and page links name \(settings.host), which no client can reach. In a container, give --public-url with the address clients use (for example http://localhost:\(settings.port))."
            )
        }
        if accessKeys == nil && !Self.isLoopback(settings.host) {
            logger.warning(
                "Cognate listens on \(settings.host) without SigV4 credentials: anyone who reaches the port can call every administrative operation. Give --credentials FILE (or COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY)."
            )
        }
        if settings.testEndpoints && !Self.isLoopback(settings.host) {
            logger.warning(
                "The test endpoints (/_cognate/outbox with every code sent, /_cognate/reset, /_cognate/clock) are reachable on \(settings.host)\(accessKeys == nil ? " by anyone" : ", to requests signed by the access keys"). Give --no-test-endpoints wherever others can reach the server."
            )
        }
        let metricsAccess =
            settings.metrics.flatMap(MetricsAccess.init(rawValue:))
            ?? MetricsAccess.defaultAccess(hasAccessKeys: accessKeys != nil, loopback: Self.isLoopback(settings.host))
        if metricsAccess == .signed && accessKeys == nil {
            throw StartFailure("--metrics signed needs access keys (--credentials, or COGNATE_ACCESS_KEY_ID and COGNATE_SECRET_ACCESS_KEY).")
        }
        if metricsAccess == .open && !Self.isLoopback(settings.host) {
            logger.warning("/metrics is served to anyone who reaches \(settings.host) (--metrics open).")
        }
        return metricsAccess
    }

    /// Serves the API and the pages until the process is stopped.
    private func serve(
        dependencies: ServiceDependencies, accessKeys: AccessKeys?, metricsAccess: MetricsAccess, registry: PrometheusCollectorRegistry,
        logger: Logger
    ) async throws {
        let limits = ConnectionLimits(
            idleTimeout: .seconds(settings.idleTimeout), requestTimeout: .seconds(settings.requestTimeout), maxConnections: settings.maxConnections)
        let scheme = settings.tlsCert == nil ? "http" : "https"
        let place = settings.inMemory ? "in memory" : ((try? settings.database().display) ?? settings.db)
        do {
            let app = try CognateApp.build(
                configuration: AppConfiguration(
                    host: settings.host, port: settings.port, region: settings.region, testEndpoints: settings.testEndpoints,
                    publicURL: settings.publicUrl, limits: limits,
                    accessKeys: accessKeys, tls: settings.tlsCert.flatMap { cert in settings.tlsKey.map { (cert, $0) } }, metrics: registry,
                    metricsAccess: metricsAccess),
                dependencies: dependencies, logger: logger,
                onRunning: { [logger, host = settings.host, address = dependencies.configuration.publicAddress] bound in
                    // With --port 0 and no --public-url, issuers and links name the port actually bound.
                    address.bind(port: bound)
                    logger.notice("Cognate \(BuildInfo.version) serving the cognito-idp API on \(scheme)://\(host):\(bound) (database: \(place))")
                }
            )
            // Import jobs a restart interrupted go on, and nodes take over the jobs of nodes that left.
            let imports = Task { await dependencies.userImports.sweep(dependencies, every: .seconds(5)) }
            defer { imports.cancel() }
            // Recovery journals are kept to their pools' windows.
            let pruning = Task { await RecoveryJournalPruning.run(dependencies, every: .seconds(600)) }
            defer { pruning.cancel() }
            try await app.runService()
        } catch {
            // Nothing listens: the storage closes before the process ends, and the reason is said plainly.
            throw StartFailure("cannot serve on \(settings.host):\(settings.port): \(Self.reason(error))")
        }
    }

    /// What went wrong, in a sentence (not a type dump).
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("errno: 98") { return "the address is already in use" }
        if let cocoa = error as? CocoaError, let path = cocoa.filePath { return "\(cocoa.localizedDescription) (\(path))" }
        return (error as? any LocalizedError)?.errorDescription ?? text
    }

    /// The secrets key: from --secrets-key-file, COGNATE_SECRETS_KEY, or the file beside the database
    /// (made on first start); an in-memory database, which keeps nothing, gets a fresh one.
    func secretsKey(_ location: DatabaseLocation) throws -> SymmetricKey {
        if let file = settings.secretsKeyFile { return try SecretsKey.load(path: file) }
        if let text = settings.secretsKey { return try SecretsKey.parse(text, source: "COGNATE_SECRETS_KEY") }
        if settings.inMemory { return SymmetricKey(size: .bits256) }
        guard case .sqlite(let path) = location else {
            // Every node on one PostgreSQL database must open what the others sealed.
            throw DatabaseLocation.Unusable(
                description: "with PostgreSQL every node needs the same secrets key: give --secrets-key-file or COGNATE_SECRETS_KEY.")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
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
}
