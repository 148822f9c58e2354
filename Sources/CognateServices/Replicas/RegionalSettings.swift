import CognateStorage
import CognitoModel

/// The settings AWS keeps per Region (Lambda triggers, email and SMS configuration), as the Region serving
/// the request has them: a secondary replica's own where it set them, else the primary's.
enum RegionalSettings {
    static func lambdaConfig(_ pool: UserPool) -> LambdaConfigType? {
        if let replica = ReplicaGate.serving, replica.poolID == pool.id, let own = replica.lambdaConfig { return own }
        return pool.settings.lambdaConfig
    }

    static func logDelivery(_ pool: UserPool) -> [LogConfigurationType]? {
        if let replica = ReplicaGate.serving, replica.poolID == pool.id, let own = replica.logDelivery { return own }
        return pool.logDelivery
    }

    /// A risk configuration as the serving Region has it: its own notification settings where it set them
    /// (for the configuration's client, or the pool), else the primary's.
    static func riskConfiguration(_ configuration: RiskConfiguration?, poolID: String) -> RiskConfiguration? {
        guard let replica = ReplicaGate.serving, replica.poolID == poolID, let configuration,
            let own = replica.riskNotifications?[configuration.clientID ?? ""]
        else { return configuration }
        var regional = configuration
        if regional.accountTakeover != nil { regional.accountTakeover?.notifyConfiguration = own }
        return regional
    }

    /// The pool's description as the serving Region has it.
    static func apply(to description: inout UserPoolType, pool: UserPool) {
        guard let replica = ReplicaGate.serving, replica.poolID == pool.id else { return }
        if let own = replica.lambdaConfig { description.lambdaConfig = own }
        if let own = replica.emailConfiguration { description.emailConfiguration = own }
        if let own = replica.smsConfiguration { description.smsConfiguration = own }
        description.arn = UserPoolReplicas.arn(pool, region: replica.region)
        description.userPoolTags = replica.tags
    }
}
