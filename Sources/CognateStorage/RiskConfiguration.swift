import CognitoModel
import Foundation

/// Threat protection's settings for a pool, or for one of its app clients (SetRiskConfiguration): what to do
/// about compromised credentials and about each risk level, whom to notify and how, and the IP ranges always
/// blocked or never evaluated. A client's configuration replaces the pool's whole for that client.
public struct RiskConfiguration: Codable, Sendable, Equatable {
    public var poolID: String
    /// Nil: the pool's configuration, which every client without one of its own follows.
    public var clientID: String?
    public var compromisedCredentials: CompromisedCredentialsRiskConfigurationType?
    public var accountTakeover: AccountTakeoverRiskConfigurationType?
    public var exceptions: RiskExceptionConfigurationType?
    public var lastModifiedDate: Date

    public init(
        poolID: String, clientID: String?, compromisedCredentials: CompromisedCredentialsRiskConfigurationType? = nil,
        accountTakeover: AccountTakeoverRiskConfigurationType? = nil, exceptions: RiskExceptionConfigurationType? = nil,
        lastModifiedDate: Date
    ) {
        self.poolID = poolID
        self.clientID = clientID
        self.compromisedCredentials = compromisedCredentials
        self.accountTakeover = accountTakeover
        self.exceptions = exceptions
        self.lastModifiedDate = lastModifiedDate
    }
}

/// Risk configurations, at most one per pool and one per app client. A deleted pool or client takes its
/// configuration along.
public protocol RiskConfigurationStorage: Sendable {
    /// Stores the configuration, replacing the one for the same pool and client.
    func putRiskConfiguration(_ configuration: RiskConfiguration) async throws
    /// The configuration stored for the pool (`clientID` nil) or for the client; `notFound` when none is.
    func riskConfiguration(poolID: String, clientID: String?) async throws -> RiskConfiguration
    /// Removing a configuration that is not there is not an error.
    func deleteRiskConfiguration(poolID: String, clientID: String?) async throws
}
