/// The families of records a storage keeps: each with the checks every backend runs for it and the tables
/// an SQL backend keeps it in. The conformance suite is the union of every family's checks, and a test
/// (`ResetTablesTests`) holds the tables the schema has against the families' tables, so that a new record
/// family is added here once and cannot be forgotten by the suite.
public enum RecordFamily: String, CaseIterable, Sendable {
    /// Pools, app clients, users and their aliases, groups, the outbox, signing keys, sign-in sessions and
    /// refresh tokens.
    case core
    case domains
    case resourceServers
    case oauthSessions
    case uiCustomizations
    case terms
    case brandingStyles
    case identityProviders
    case federationStates
    case userSessions
    case riskConfigurations
    case authEvents
    case userImports
    case provisionedLimits
    case cimdPolicies
    case replicas
    case recoveries

    public var checks: [String: StorageConformance.Check] {
        switch self {
        case .core: StorageConformance.coreChecks
        case .domains: StorageConformance.domainChecks
        case .resourceServers: StorageConformance.resourceServerChecks
        case .oauthSessions: StorageConformance.oauthSessionChecks
        case .uiCustomizations: StorageConformance.uiCustomizationChecks
        case .terms: StorageConformance.termsChecks
        case .brandingStyles: StorageConformance.brandingStyleChecks
        case .identityProviders: StorageConformance.identityProviderChecks
        case .federationStates: StorageConformance.federationStateChecks
        case .userSessions: StorageConformance.userSessionChecks
        case .riskConfigurations: StorageConformance.riskConfigurationChecks
        case .authEvents: StorageConformance.authEventChecks
        case .userImports: StorageConformance.userImportChecks
        case .provisionedLimits: StorageConformance.provisionedLimitChecks
        case .cimdPolicies: StorageConformance.cimdPolicyChecks
        case .replicas: StorageConformance.replicaChecks
        case .recoveries: StorageConformance.recoveryChecks
        }
    }

    /// The SQL tables that hold this family's records.
    public var tables: Set<String> {
        switch self {
        case .core:
            [
                "user_pools", "app_clients", "users", "user_aliases", "groups", "group_members", "outbox", "signing_keys",
                "auth_sessions", "refresh_tokens",
            ]
        case .domains: ["user_pool_domains"]
        case .resourceServers: ["resource_servers"]
        case .oauthSessions: ["oauth_codes", "login_sessions"]
        case .uiCustomizations: ["ui_customizations"]
        case .terms: ["terms"]
        case .brandingStyles: ["branding_styles"]
        case .identityProviders: ["identity_providers", "identity_provider_identifiers"]
        case .federationStates: ["federation_states"]
        case .userSessions: ["user_sessions"]
        case .riskConfigurations: ["risk_configurations"]
        case .authEvents: ["auth_events"]
        case .userImports: ["user_import_jobs", "user_import_chunks", "user_import_log"]
        case .provisionedLimits: ["provisioned_limits"]
        case .cimdPolicies: ["cimd_policies", "client_metadata_documents"]
        case .replicas: ["user_pool_replicas"]
        case .recoveries: ["recovery_journal", "point_in_time_recoveries"]
        }
    }
}
