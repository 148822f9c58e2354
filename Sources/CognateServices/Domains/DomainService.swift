import CognateStorage
import CognateWire
import CognitoModel
import Crypto
import Foundation

/// CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain and DeleteUserPoolDomain: a pool's
/// prefix domain (`<prefix>.auth.<region>.amazoncognito.com`) and custom domain, one of each at most.
struct DomainService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let reservedWords = ["aws", "amazon", "cognito"]

    func register(in table: inout OperationTable) {
        table.register(Operations.CreateUserPoolDomain.self) { input, _ in
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            let kind: UserPoolDomain.Kind = input.customDomainConfig == nil ? .prefix : .custom
            let name = try Self.checkName(input.domain, kind: kind)
            if let config = input.customDomainConfig { try Self.checkCertificate(config) }
            let version = try Self.checkVersion(input.managedLoginVersion ?? 1, pool: pool)
            if try await deps.storage.domains(poolID: pool.id).contains(where: { $0.kind == kind }) {
                throw Errors.invalidParameter("The user pool already has a \(kind == .prefix ? "prefix" : "custom") domain: delete it first.")
            }
            let now = deps.clock.now()
            let domain = UserPoolDomain(
                domain: name, poolID: pool.id, kind: kind, managedLoginVersion: version, customDomainConfig: input.customDomainConfig,
                routing: input.routing, creationDate: now, lastModifiedDate: now)
            do {
                try await deps.storage.createDomain(domain)
            } catch StorageError.alreadyExists {
                throw Errors.invalidParameter("Domain already associated with another user pool.")
            }
            return CreateUserPoolDomainResponse(
                managedLoginVersion: version, cloudFrontDomain: Self.cloudFrontDomain(domain), routing: input.routing)
        }
        table.register(Operations.DescribeUserPoolDomain.self) { input, _ in
            // An unknown domain is no error: AWS answers an empty description.
            guard let domain = try await StorageError.ifPresent({ try await deps.storage.domain(name: input.domain.lowercased()) }) else {
                return DescribeUserPoolDomainResponse(domainDescription: DomainDescriptionType())
            }
            return DescribeUserPoolDomainResponse(domainDescription: describe(domain))
        }
        table.register(Operations.UpdateUserPoolDomain.self) { input, _ in
            let domain = try await owned(input.domain, poolID: input.userPoolId)
            let pool = try await UserPoolService(deps).load(input.userPoolId)
            if input.customDomainConfig != nil && domain.kind == .prefix {
                throw Errors.invalidParameter("A prefix domain takes no CustomDomainConfig.")
            }
            if let config = input.customDomainConfig { try Self.checkCertificate(config) }
            let version = try input.managedLoginVersion.map { try Self.checkVersion($0, pool: pool) }
            let now = deps.clock.now()
            let updated = try await StorageError.map(notFound: Self.notFound) {
                try await deps.storage.updateDomain(name: domain.domain) { domain in
                    if let version { domain.managedLoginVersion = version }
                    if let config = input.customDomainConfig { domain.customDomainConfig = config }
                    if let routing = input.routing { domain.routing = routing }
                    domain.lastModifiedDate = now
                }
            }
            return UpdateUserPoolDomainResponse(
                managedLoginVersion: updated.managedLoginVersion, cloudFrontDomain: Self.cloudFrontDomain(updated), routing: updated.routing)
        }
        table.register(Operations.DeleteUserPoolDomain.self) { input, _ in
            let domain = try await owned(input.domain, poolID: input.userPoolId)
            try await StorageError.map(notFound: Self.notFound) { try await deps.storage.deleteDomain(name: domain.domain) }
            return .init()
        }
    }

    static let notFound = Errors.invalidParameter("No such domain or user pool exists.")

    /// The domain when it exists and belongs to the pool.
    private func owned(_ name: String, poolID: String) async throws -> UserPoolDomain {
        _ = try await UserPoolService(deps).load(poolID)
        let domain = try await StorageError.map(notFound: Self.notFound) { try await deps.storage.domain(name: name.lowercased()) }
        guard domain.poolID == poolID else { throw Self.notFound }
        return domain
    }

    func describe(_ domain: UserPoolDomain) -> DomainDescriptionType {
        let region = domain.poolID.split(separator: "_").first.map(String.init) ?? deps.configuration.defaultRegion
        return DomainDescriptionType(
            userPoolId: domain.poolID, awsAccountId: deps.configuration.accountID, domain: domain.domain,
            s3Bucket: "aws-cognito-prod-\(region)-assets", cloudFrontDistribution: Self.cloudFrontDomain(domain) ?? Self.sharedDistribution(region),
            version: Self.version(domain.lastModifiedDate), status: .active,
            // AWS reports an empty configuration for a prefix domain.
            customDomainConfig: domain.customDomainConfig ?? CustomDomainConfigType(),
            managedLoginVersion: domain.managedLoginVersion, routing: domain.routing)
    }

    /// The host name a request for this domain arrives with.
    static func host(_ domain: UserPoolDomain) -> String {
        guard domain.kind == .prefix else { return domain.domain }
        let region = domain.poolID.split(separator: "_").first.map(String.init) ?? "us-east-1"
        return "\(domain.domain).auth.\(region).amazoncognito.com"
    }

    // MARK: Rules

    static let prefixPattern = "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"

    static func checkName(_ given: String, kind: UserPoolDomain.Kind) throws(CognitoError) -> String {
        switch kind {
        case .prefix:
            guard isLabel(given) else {
                throw Errors.invalidParameter(
                    "The domain name contains an invalid character. Domain names can only contain lower-case letters, numbers, and hyphens. Please enter a different name that follows this format: \(prefixPattern)"
                )
            }
            if let word = reservedWords.first(where: { given.contains($0) }) {
                throw Errors.invalidParameter("Domain cannot contain reserved word: \(word)")
            }
            return given
        case .custom:
            let name = given.lowercased()
            let labels = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard name.utf8.count <= 253, labels.allSatisfy(isLabel) else {
                throw Errors.invalidParameter("The custom domain \(given.prefix(253)) is not a valid domain name.")
            }
            guard labels.count >= 3 else {
                throw Errors.invalidParameter(
                    "Custom domain is not a valid subdomain: Was not able to resolve a DNS A record for the parent domain or domain parent is a top-level domain."
                )
            }
            return name
        }
    }

    /// One DNS label as a prefix domain must be: lower-case letters, digits and inner hyphens, 1 to 63.
    static func isLabel(_ label: String) -> Bool {
        let bytes = Array(label.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        }
    }

    /// Custom domains need an ACM certificate in us-east-1 (CloudFront's region).
    static func checkCertificate(_ config: CustomDomainConfigType) throws(CognitoError) {
        // The model requires it; the generated type does not (a prefix domain reports an empty configuration).
        guard let certificate = config.certificateArn else {
            throw Errors.invalidParameter(
                "1 validation error detected: Value null at 'customDomainConfig.certificateArn' failed to satisfy constraint: Member must not be null"
            )
        }
        guard certificate.hasPrefix("arn:aws:acm:us-east-1:"), certificate.contains(":certificate/") else {
            throw Errors.invalidParameter(
                "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.")
        }
    }

    /// 1 (the classic hosted UI) or 2 (managed login, not in the Lite tier).
    static func checkVersion(_ version: Int, pool: UserPool) throws(CognitoError) -> Int {
        guard version == 1 || version == 2 else { throw Errors.invalidParameter("ManagedLoginVersion must be 1 or 2.") }
        if version == 2 && pool.settings.userPoolTier == .lite {
            throw CognitoError(.featureUnavailableInTierException, "Managed login (ManagedLoginVersion 2) is not available in the Lite tier.")
        }
        return version
    }

    /// A custom domain's CloudFront alias target, stable per name; prefix domains have none of their own.
    static func cloudFrontDomain(_ domain: UserPoolDomain) -> String? {
        guard domain.kind == .custom else { return nil }
        return "d" + distributionName(domain.domain) + ".cloudfront.net"
    }

    static func sharedDistribution(_ region: String) -> String {
        "d" + distributionName("shared:" + region) + ".cloudfront.net"
    }

    private static func distributionName(_ seed: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String(SHA256.hash(data: Data(seed.utf8)).prefix(13).map { alphabet[Int($0) % alphabet.count] })
    }

    /// `YYYYMMDDhhmmss`, as AWS reports a domain's version.
    static func version(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: date)
    }
}
