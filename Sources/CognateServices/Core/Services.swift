import CognateStorage
import CognateWire
import Logging

/// What every service needs: storage, time, randomness, configuration and a logger.
public struct ServiceDependencies: Sendable {
    public var storage: any Storage
    public var clock: any Clock
    public var random: any RandomSource
    public var configuration: ServiceConfiguration
    public var logger: Logger
    /// The pools' token-signing keys, parsed once.
    public var keyRing: KeyRing
    /// How the pools' Lambda triggers are called; nil: every configured trigger fails as an
    /// unreachable function does.
    public var functions: (any FunctionInvoker)?
    /// Where the data keys of custom-sender messages come from (AWS KMS or a local KMS).
    public var keys: (any DataKeySource)?
    /// Outgoing HTTP, for identity providers.
    public var web: (any WebClient)?
    /// The operator's geo-IP database; nil: no address can be placed.
    public var geoIP: (any GeoLocator)?
    /// Where pools' logs are exported (SetLogDeliveryConfiguration); nil: nowhere.
    public var logExport: LogExport?
    /// Runs started user import jobs in the background.
    public var userImports = UserImportRunner()
    /// Where import jobs' results also go (CloudWatch Logs); nil: only Cognate's own record.
    public var userImportLogs: (any UserImportLogDelivery)?
    /// Counts requests against AWS's rates (`--enforce-quotas`); nil: nothing is counted.
    public var quotas: QuotaGate?
    /// Serves the Regions of pools' secondary replicas as AWS's secondaries.
    public var replicas: ReplicaGate?
    /// Client metadata documents being fetched at once, at most.
    public var metadataFetches = InFlightLimit(32)

    public init(
        storage: any Storage, clock: any Clock = SystemClock(), random: any RandomSource = SystemRandom(),
        configuration: ServiceConfiguration = .init(), logger: Logger, functions: (any FunctionInvoker)? = nil,
        keys: (any DataKeySource)? = nil, web: (any WebClient)? = nil, geoIP: (any GeoLocator)? = nil, logExport: LogExport? = nil,
        userImportLogs: (any UserImportLogDelivery)? = nil
    ) {
        self.userImportLogs = userImportLogs
        self.geoIP = geoIP
        self.logExport = logExport
        self.functions = functions
        self.keys = keys
        self.web = web
        self.storage = storage
        self.clock = clock
        self.random = random
        self.configuration = configuration
        self.logger = logger
        self.keyRing = KeyRing(storage: storage, clock: clock)
        self.quotas = configuration.enforcesQuotas ? QuotaGate(storage: storage, clock: clock) : nil
        self.replicas = ReplicaGate(storage: storage, clock: clock)
        // The recovery journal's times, and the write pause of a recovery, are this clock's (the test clock's).
        storage.configureRecoveryJournal(enabled: configuration.keepsRecoveryJournal, now: { [clock] in clock.now() })
    }
}

/// Builds the dispatch table from every area's handlers.
public enum Services {
    public static func operationTable(_ deps: ServiceDependencies) -> OperationTable {
        var table = OperationTable()
        let quotas = deps.quotas
        let replicas = deps.replicas
        // The rate first: a request refused by it does no work at all.
        if let quotas {
            table.admission = { operation, body, context in try await quotas.admit(operation, body: body, region: context.region) }
        }
        if let replicas {
            table.scope = { operation, body, context, run in try await replicas.serve(operation, body: body, region: context.region, run) }
        }
        ProvisionedLimitService(deps).register(in: &table)
        CIMDPolicyService(deps).register(in: &table)
        UserPoolReplicas(deps).register(in: &table)
        PointInTimeRecoveryService(deps).register(in: &table)
        UserPoolService(deps).register(in: &table)
        AppClientService(deps).register(in: &table)
        UserAdminService(deps).register(in: &table)
        GroupService(deps).register(in: &table)
        TagService(deps).register(in: &table)
        AuthService(deps).register(in: &table)
        SelfService(deps).register(in: &table)
        SignUpService(deps).register(in: &table)
        PasswordRecoveryService(deps).register(in: &table)
        SignOutService(deps).register(in: &table)
        RefreshTokens(deps: deps).register(in: &table)
        PoolMfaService(deps).register(in: &table)
        UserMfaService(deps).register(in: &table)
        SoftwareTokenService(deps).register(in: &table)
        DeviceService(deps).register(in: &table)
        PasskeyService(deps).register(in: &table)
        DomainService(deps).register(in: &table)
        ResourceServerService(deps).register(in: &table)
        IdentityProviderService(deps).register(in: &table)
        ProviderLinks(deps).register(in: &table)
        SigningCertificate(deps).register(in: &table)
        UICustomizationService(deps).register(in: &table)
        TermsService(deps).register(in: &table)
        ManagedLoginBrandingService(deps).register(in: &table)
        ClientTokenService(deps).register(in: &table)
        DerivedTokenService(deps).register(in: &table)
        SessionConfigurationService(deps).register(in: &table)
        UserSessionService(deps).register(in: &table)
        RiskConfigurationService(deps).register(in: &table)
        AuthEventService(deps).register(in: &table)
        LogDeliveryService(deps).register(in: &table)
        UserImportService(deps).register(in: &table)
        return table
    }
}
