import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// GetLogDeliveryConfiguration and SetLogDeliveryConfiguration: where a pool exports its logs — errors in
/// delivering messages to users (`userNotification`, ERROR, CloudWatch Logs only, any plan) and threat
/// protection's user activity (`userAuthEvents`, INFO, one of CloudWatch Logs, S3 or Firehose, Plus plan).
/// Set replaces the whole list; an empty list exports nothing.
struct LogDeliveryService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetLogDeliveryConfiguration.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            return GetLogDeliveryConfigurationResponse(
                logDeliveryConfiguration: LogDeliveryConfigurationType(
                    userPoolId: pool.id, logConfigurations: RegionalSettings.logDelivery(pool) ?? []))
        }
        table.register(Operations.SetLogDeliveryConfiguration.self) { input, _ in
            let configurations = input.logConfigurations
            // In a secondary Region: the Region's own export, kept on its replica.
            if let replica = ReplicaGate.serving, replica.poolID == input.userPoolId {
                let pool = try await UserPoolService(deps).load(input.userPoolId)
                try Self.check(configurations, tier: pool.settings.userPoolTier ?? .essentials)
                let now = deps.clock.now()
                try await StorageError.map(notFound: UserPoolReplicas.noReplica(pool.id, replica.region)) {
                    try await deps.storage.updateReplica(poolID: pool.id, region: replica.region) {
                        $0.logDelivery = configurations
                        $0.lastModifiedDate = now
                    }
                }
                deps.replicas?.forget()
                return SetLogDeliveryConfigurationResponse(
                    logDeliveryConfiguration: LogDeliveryConfigurationType(userPoolId: pool.id, logConfigurations: configurations))
            }
            let pool = try await StorageError.map(notFound: Errors.poolNotFound(input.userPoolId)) {
                try await deps.storage.updateUserPool(id: input.userPoolId) { pool in
                    try Self.check(configurations, tier: pool.settings.userPoolTier ?? .essentials)
                    pool.logDelivery = configurations
                    pool.lastModifiedDate = deps.clock.now()
                }
            }
            return SetLogDeliveryConfigurationResponse(
                logDeliveryConfiguration: LogDeliveryConfigurationType(userPoolId: pool.id, logConfigurations: configurations))
        }
    }

    static func check(_ configurations: [LogConfigurationType], tier: UserPoolTierType) throws(CognitoError) {
        var sources: Set<EventSourceName> = []
        for configuration in configurations {
            guard sources.insert(configuration.eventSource).inserted else {
                throw Errors.invalidParameter(
                    "LogConfigurations can have only one configuration for the \(configuration.eventSource.rawValue) event source.")
            }
            let destinations = [
                configuration.cloudWatchLogsConfiguration != nil, configuration.s3Configuration != nil, configuration.firehoseConfiguration != nil,
            ].filter { $0 }.count
            guard destinations == 1 else {
                throw Errors.invalidParameter(
                    "A log configuration needs exactly one destination: CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration.")
            }
            switch configuration.eventSource {
            case .userNotification:
                guard configuration.logLevel == .error else {
                    throw Errors.invalidParameter("userNotification logs are delivered at the ERROR log level only.")
                }
                guard configuration.cloudWatchLogsConfiguration != nil else {
                    throw Errors.invalidParameter("userNotification logs can be delivered only to CloudWatch Logs.")
                }
            case .userAuthEvents:
                guard configuration.logLevel == .info else {
                    throw Errors.invalidParameter("userAuthEvents logs are delivered at the INFO log level only.")
                }
                guard tier == .plus else {
                    throw CognitoError(
                        .featureUnavailableInTierException,
                        "User activity logs (userAuthEvents) need the PLUS feature plan; this user pool is on \(tier.rawValue).")
                }
            default:
                throw Errors.invalidParameter("Unknown event source \(configuration.eventSource.rawValue).")
            }
            if configuration.s3Configuration != nil || configuration.firehoseConfiguration != nil, tier != .plus {
                throw CognitoError(
                    .featureUnavailableInTierException,
                    "Log delivery to Amazon S3 or Amazon Data Firehose needs the PLUS feature plan; this user pool is on \(tier.rawValue).")
            }
            if let group = configuration.cloudWatchLogsConfiguration {
                guard let arn = group.logGroupArn.flatMap(AWSARN.init), arn.service == "logs", arn.resource.hasPrefix("log-group:"),
                    arn.resource.count > "log-group:".count
                else { throw Errors.invalidParameter("LogGroupArn must be the ARN of a CloudWatch Logs log group.") }
            }
            if let bucket = configuration.s3Configuration {
                guard let arn = bucket.bucketArn, Self.isBucketARN(arn) else {
                    throw Errors.invalidParameter("BucketArn must be the ARN of an Amazon S3 bucket.")
                }
            }
            if let stream = configuration.firehoseConfiguration {
                guard let arn = stream.streamArn.flatMap(AWSARN.init), arn.service == "firehose", arn.resource.hasPrefix("deliverystream/"),
                    arn.resource.count > "deliverystream/".count
                else { throw Errors.invalidParameter("StreamArn must be the ARN of an Amazon Data Firehose stream.") }
            }
        }
    }

    /// `arn:<partition>:s3:::<bucket>`, the bucket named as S3 allows (3 to 63 lowercase letters, digits,
    /// dots and hyphens).
    static func isBucketARN(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), parts[2] == "s3", parts[3].isEmpty, parts[4].isEmpty else {
            return false
        }
        let bucket = parts[5]
        return (3...63).contains(bucket.count)
            && bucket.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
    }
}
