import CognateServices
import CognateStorage
import CognateWire
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Prometheus

/// Builds the Cognate application from its configuration and services; tests build the very same one.
public enum CognateApp {
    public static func router(configuration: AppConfiguration, dependencies: ServiceDependencies) -> Router<CognateRequestContext> {
        let router = Router(context: CognateRequestContext.self)
        let pages = Pages()
        router.add(middleware: AWSErrorMiddleware())
        router.add(middleware: ServerFailureMiddleware(pages: pages, logger: dependencies.logger))
        router.add(middleware: RequestOriginMiddleware())
        router.add(middleware: CacheValidationMiddleware(bodyLimit: AWSEndpoint.largestBody(configuration)))
        if let quotas = dependencies.quotas { router.add(middleware: QuotaMiddleware(gate: quotas, region: configuration.region, pages: pages)) }
        let table = Services.operationTable(dependencies)
        let endpoint = AWSEndpoint(table: table, configuration: configuration)
        router.post("/") { request, context in try await endpoint.handle(request, context: context) }
        // A browser at Cognate's address finds what it is and where the console and the endpoints are.
        let consoleOpen = configuration.testEndpoints || configuration.accessKeys != nil
        router.get("/") { _, _ -> Response in
            pages.home(
                base: dependencies.configuration.publicBaseURL, consolePath: consoleOpen ? ConsoleEndpoints.root : nil,
                testEndpoints: configuration.testEndpoints)
        }
        // A fixed answer: the benchmark also uses it to measure the HTTP stack alone.
        router.get("/_cognate/health") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        // Readiness, for load balancers: whether this node reaches its database now (a read, answered within a
        // second: the read is not waited for past that).
        router.get("/_cognate/ready") { _, _ -> Response in
            let reachable = await Readiness.check(dependencies.storage, within: .seconds(1), logger: dependencies.logger)
            return Response(
                status: reachable ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(
                    byteBuffer: ByteBuffer(string: reachable ? #"{"status":"ready"}"# : #"{"status":"unavailable","database":"unreachable"}"#)))
        }
        let guarding = TestEndpointGuard(publicURL: configuration.publicURL, listenHost: configuration.host)
        let reset = ServerReset(storage: dependencies.storage, keyRing: dependencies.keyRing, clock: dependencies.clock as? OffsetClock)
        let operatorSignature = OperatorSignature(accessKeys: configuration.accessKeys)
        if configuration.testEndpoints {
            TestSupportEndpoints(storage: dependencies.storage, reset: reset, guarding: guarding, signature: operatorSignature).add(to: router)
        }
        // The admin console: open with the test endpoints, behind an access key's sign-in once SigV4 credentials are set.
        if consoleOpen {
            ConsoleEndpoints(
                api: ConsoleAPI(table: table, defaultRegion: configuration.region, logger: dependencies.logger),
                inspector: AccountInspector(dependencies),
                access: ConsoleAccess(
                    accessKeys: configuration.accessKeys, guarding: guarding, clock: dependencies.clock, random: dependencies.random,
                    secure: dependencies.configuration.publicBaseURL.hasPrefix("https://")),
                pages: ConsolePages(), reset: configuration.testEndpoints ? reset : nil
            ).add(to: router)
        }
        if let registry = configuration.metrics, configuration.metricsAccess != .off {
            let signed = configuration.metricsAccess == .signed
            // Prometheus's text format: requests by operation and outcome, latency, sign-ins, lockouts, messages sent.
            router.get("/metrics") { request, _ -> Response in
                if signed, let refusal = await operatorSignature.check(request).refusal { return refusal }
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
            }
        }
        UserImportUploadEndpoint(upload: UserImportUpload(dependencies)).add(to: router)
        WellKnownEndpoints(dependencies: dependencies).add(to: router)
        OAuthEndpoints(
            tokens: TokenEndpoint(dependencies), userInfo: UserInfo(dependencies), quotas: dependencies.quotas, region: configuration.region
        ).add(to: router)
        ManagedLoginEndpoints(
            login: ManagedLogin(dependencies), pages: pages, random: dependencies.random,
            secure: dependencies.configuration.publicBaseURL.hasPrefix("https://")
        ).add(to: router)
        return router
    }

    /// Throws when the TLS certificate or key cannot be read.
    /// `onRunning` is told the port once the server listens (the one asked for, or the one given for port 0).
    public static func build(
        configuration: AppConfiguration, dependencies: ServiceDependencies, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let limits = configuration.limits
        let counter = ConnectionCounter()
        let http1: HTTPServerBuilder = .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(limits: limits, counter: counter)],
                idleTimeout: TimeAmount(limits.idleTimeout)))
        var server = http1
        if let tls = configuration.tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            server = try .tls(http1, tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        }
        return Application(
            router: HeadAsGet(router: router(configuration: configuration, dependencies: dependencies)),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Cognate"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }
}
