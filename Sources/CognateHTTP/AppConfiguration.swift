import Prometheus

/// How the server is run: address, region and limits.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var region: String
    /// Request bodies above this size are refused before they are read whole.
    public var maxBodySize: Int
    /// Serve the test-suite endpoints under `/_cognate/` (outbox, reset, clock) and `/moto-api/reset`.
    /// They read every code sent and wipe all data, so a shared or public deployment turns them off.
    public var testEndpoints: Bool
    /// The URL clients reach Cognate at; its host is one the test endpoints answer to.
    public var publicURL: String?
    /// Timeouts and the bound on open connections.
    public var limits: ConnectionLimits
    /// When set, every operation AWS authorizes with IAM needs a valid SigV4 signature by one of these keys.
    public var accessKeys: AccessKeys?
    /// PEM files of the certificate chain and private key: Cognate then serves HTTPS only.
    public var tls: (certificatePath: String, keyPath: String)?
    /// Where the process's metrics are collected; served at `/metrics` when set, to whom `metricsAccess` says.
    public var metrics: PrometheusCollectorRegistry?
    public var metricsAccess: MetricsAccess

    public init(
        host: String = "127.0.0.1", port: Int = 9229, region: String = "us-east-1", maxBodySize: Int = 1 << 20,
        testEndpoints: Bool = true, publicURL: String? = nil, limits: ConnectionLimits = .init(), accessKeys: AccessKeys? = nil,
        tls: (certificatePath: String, keyPath: String)? = nil, metrics: PrometheusCollectorRegistry? = nil,
        metricsAccess: MetricsAccess = .open
    ) {
        self.metricsAccess = metricsAccess
        self.tls = tls
        self.metrics = metrics
        self.accessKeys = accessKeys
        self.host = host
        self.port = port
        self.region = region
        self.maxBodySize = maxBodySize
        self.testEndpoints = testEndpoints
        self.publicURL = publicURL
        self.limits = limits
    }
}
