import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// DescribeRiskConfiguration and SetRiskConfiguration: threat protection's responses for a pool, or for one
/// app client, whose configuration then replaces the pool's. Both answer only where threat protection is on
/// (the Plus plan, AUDIT or ENFORCED).
struct RiskConfigurationService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// At most this many ranges in each IP list.
    static let maxRanges = 200

    func register(in table: inout OperationTable) {
        table.register(Operations.DescribeRiskConfiguration.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try ThreatProtectionMode.requireOn(pool)
            if let clientID = input.clientId { _ = try await AppClientService(deps).load(pool.id, clientID) }
            let configuration = try await RiskConfigurations(storage: deps.storage).effective(poolID: pool.id, clientID: input.clientId)
            return DescribeRiskConfigurationResponse(riskConfiguration: Self.wire(configuration, poolID: pool.id))
        }
        table.register(Operations.SetRiskConfiguration.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            try ThreatProtectionMode.requireOn(pool)
            if let clientID = input.clientId { _ = try await AppClientService(deps).load(pool.id, clientID) }
            try Self.check(input)
            if let replica = ReplicaGate.serving, replica.poolID == pool.id {
                return try await setRegionalNotifications(input, pool: pool, replica: replica)
            }
            let configuration = RiskConfiguration(
                poolID: pool.id, clientID: input.clientId, compromisedCredentials: input.compromisedCredentialsRiskConfiguration,
                accountTakeover: input.accountTakeoverRiskConfiguration, exceptions: input.riskExceptionConfiguration,
                lastModifiedDate: deps.clock.now())
            let empty =
                input.compromisedCredentialsRiskConfiguration == nil && input.accountTakeoverRiskConfiguration == nil
                && input.riskExceptionConfiguration == nil
            // Only the pool's ID: the pool returns to its defaults (nothing configured). The pool's and a
            // client's ID only: the client follows the pool again.
            try await StorageError.map(notFound: Errors.poolNotFound(pool.id)) {
                if empty {
                    try await deps.storage.deleteRiskConfiguration(poolID: pool.id, clientID: input.clientId)
                } else {
                    try await deps.storage.putRiskConfiguration(configuration)
                }
            }
            return SetRiskConfigurationResponse(riskConfiguration: Self.wire(empty ? nil : configuration, poolID: pool.id, clientID: input.clientId))
        }
    }

    /// SetRiskConfiguration in a secondary Region: it sets the Region's own notifications (AWS keeps risk
    /// notifications per Region) and takes the other settings only as the primary has them.
    func setRegionalNotifications(_ input: SetRiskConfigurationRequest, pool: UserPool, replica: UserPoolReplica) async throws
        -> SetRiskConfigurationResponse
    {
        let stored = try await StorageError.ifPresent { try await deps.storage.riskConfiguration(poolID: pool.id, clientID: input.clientId) }
        func withoutNotifications(_ takeover: AccountTakeoverRiskConfigurationType?) -> AccountTakeoverRiskConfigurationType? {
            var takeover = takeover
            takeover?.notifyConfiguration = nil
            return takeover
        }
        guard input.compromisedCredentialsRiskConfiguration == stored?.compromisedCredentials,
            input.riskExceptionConfiguration == stored?.exceptions,
            withoutNotifications(input.accountTakeoverRiskConfiguration) == withoutNotifications(stored?.accountTakeover)
        else {
            throw Errors.invalidParameter(
                "In \(replica.region), a secondary Region of user pool \(pool.id), SetRiskConfiguration sets only the Region's own NotifyConfiguration; the other settings are changed in the primary Region, \(UserPoolReplicas.primaryRegion(pool.id))."
            )
        }
        let notify = input.accountTakeoverRiskConfiguration?.notifyConfiguration
        let key = input.clientId ?? ""
        let updated = try await StorageError.map(notFound: UserPoolReplicas.noReplica(pool.id, replica.region)) {
            try await deps.storage.updateReplica(poolID: pool.id, region: replica.region) { replica in
                var own = replica.riskNotifications ?? [:]
                own[key] = notify
                replica.riskNotifications = own.isEmpty ? nil : own
                replica.lastModifiedDate = deps.clock.now()
            }
        }
        deps.replicas?.forget()
        let regional = ReplicaGate.$serving.withValue(updated) { RegionalSettings.riskConfiguration(stored, poolID: pool.id) }
        return SetRiskConfigurationResponse(riskConfiguration: Self.wire(regional, poolID: pool.id, clientID: input.clientId))
    }

    /// A configuration as the API shows it; none stored: the pool's (and client's) ID alone. AWS's captured
    /// answers (the CLI's examples) carry no LastModifiedDate, although the model has the member.
    static func wire(_ configuration: RiskConfiguration?, poolID: String, clientID: String? = nil) -> RiskConfigurationType {
        guard let configuration else { return RiskConfigurationType(userPoolId: poolID, clientId: clientID) }
        return RiskConfigurationType(
            userPoolId: configuration.poolID, clientId: configuration.clientID,
            compromisedCredentialsRiskConfiguration: configuration.compromisedCredentials,
            accountTakeoverRiskConfiguration: configuration.accountTakeover, riskExceptionConfiguration: configuration.exceptions)
    }

    /// What the model's constraints leave to say: IP lists of CIDR ranges (200 at most each), the
    /// notification sender an email address and the SES identity an ARN, an email template with a body.
    static func check(_ input: SetRiskConfigurationRequest) throws(CognitoError) {
        if let exceptions = input.riskExceptionConfiguration {
            for (member, list) in [("BlockedIPRangeList", exceptions.blockedIPRangeList), ("SkippedIPRangeList", exceptions.skippedIPRangeList)] {
                guard let list else { continue }
                if list.count > maxRanges {
                    throw Errors.invalidParameter("\(member) can have at most \(maxRanges) IP ranges.")
                }
                for range in list where IPRange(range) == nil {
                    throw Errors.invalidParameter("\(member) has an invalid IP range in CIDR notation: \(range.prefix(64))")
                }
            }
        }
        if let events = input.compromisedCredentialsRiskConfiguration?.eventFilter, Set(events).count != events.count {
            throw Errors.invalidParameter("EventFilter lists an event more than once.")
        }
        if let notify = input.accountTakeoverRiskConfiguration?.notifyConfiguration {
            guard let arn = AWSARN(notify.sourceArn), arn.service == "ses" else {
                throw Errors.invalidParameter("SourceArn must be the ARN of an Amazon SES identity.")
            }
            for (member, address) in [("From", notify.from), ("ReplyTo", notify.replyTo)] {
                guard let address, !address.isEmpty else { continue }
                // `admin@example.com` or `Administrator <admin@example.com>`.
                var bare = Substring(address)
                if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
                    bare = address[address.index(after: open)..<address.index(before: address.endIndex)]
                }
                if !AttributeRules.isEmail(String(bare)) { throw Errors.invalidParameter("\(member) must be an email address.") }
            }
            for (name, email) in [("BlockEmail", notify.blockEmail), ("MfaEmail", notify.mfaEmail), ("NoActionEmail", notify.noActionEmail)] {
                guard let email else { continue }
                if email.htmlBody == nil && email.textBody == nil {
                    throw Errors.invalidParameter("\(name) needs an HtmlBody or a TextBody.")
                }
            }
        }
    }
}

/// The risk configuration that applies: the client's own, else the pool's, else none.
struct RiskConfigurations {
    let storage: any Storage

    /// As the serving Region has it (`RegionalSettings.riskConfiguration`).
    func effective(poolID: String, clientID: String?) async throws -> RiskConfiguration? {
        if let clientID, let own = try await StorageError.ifPresent({ try await storage.riskConfiguration(poolID: poolID, clientID: clientID) }) {
            return RegionalSettings.riskConfiguration(own, poolID: poolID)
        }
        return RegionalSettings.riskConfiguration(
            try await StorageError.ifPresent { try await storage.riskConfiguration(poolID: poolID, clientID: nil) }, poolID: poolID)
    }
}
