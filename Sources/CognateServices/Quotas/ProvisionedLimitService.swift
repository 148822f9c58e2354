import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// GetProvisionedLimit and UpdateProvisionedLimit: the rate enforced for one of AWS's request categories in
/// the request's Region, for the server's one account. A category starts at its default (the free rate, both
/// values of `Limit`); an adjustable one can be provisioned up to the account's maximum (`--quota-maximums`,
/// standing in for Service Quotas), and takes effect at once where `--enforce-quotas` counts requests.
struct ProvisionedLimitService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    func register(in table: inout OperationTable) {
        table.register(Operations.GetProvisionedLimit.self) { input, context in
            let category = try Self.category(input.limitDefinition)
            let value = try await provisioned(category, region: context.region)
            return GetProvisionedLimitResponse(limit: Self.wire(category, value))
        }
        table.register(Operations.UpdateProvisionedLimit.self) { input, context in
            let category = try Self.category(input.limitDefinition)
            guard category.isAdjustable else {
                throw Errors.invalidParameter(
                    "The \(category.rawValue) category is not adjustable: only adjustable quota categories support provisioning.")
            }
            let requested = input.requestedLimitValue
            guard requested >= 1 else { throw Errors.invalidParameter("RequestedLimitValue must be a positive number of requests per second.") }
            let maximum = deps.configuration.quotaMaximum(category)
            guard requested <= maximum else {
                throw CognitoError(
                    .serviceQuotaExceededException,
                    "The requested limit of \(requested) requests per second exceeds your account's maximum of \(maximum) for \(category.rawValue).")
            }
            if category == .userAuthentication || category == .userFederation, try await managedLoginInUse(region: context.region) {
                throw Errors.invalidParameter(
                    "User pools with managed login don't support adjustments to the \(category.rawValue) category. To increase this limit, submit a Service Quotas increase request."
                )
            }
            // A value at or below the default returns the category to its default, as AWS's guide tells those who
            // stop paying for provisioned capacity to do.
            let value = max(requested, category.defaultRate)
            try await deps.storage.putProvisionedLimit(
                ProvisionedLimit(region: context.region, category: category.rawValue, value: value, lastModifiedDate: deps.clock.now()))
            deps.quotas?.provisioned(category, value, region: context.region)
            return UpdateProvisionedLimitResponse(limit: Self.wire(category, value))
        }
    }

    /// The rate provisioned for the category in the Region; its default when none is.
    func provisioned(_ category: QuotaCategory, region: String) async throws -> Int {
        try await deps.storage.provisionedLimits(region: region).first { $0.category == category.rawValue }?.value ?? category.defaultRate
    }

    /// The category a limit definition names: `API_CATEGORY` with the one attribute `Category`.
    static func category(_ definition: LimitDefinitionType) throws -> QuotaCategory {
        guard definition.limitClass == .apiCategory else {
            throw Errors.invalidParameter("LimitClass must be API_CATEGORY.")
        }
        guard let name = definition.attributes["Category"] else {
            throw Errors.invalidParameter("LimitDefinition.Attributes must name the API category in its Category key.")
        }
        guard definition.attributes.count == 1 else {
            throw Errors.invalidParameter("LimitDefinition.Attributes of an API_CATEGORY limit takes only the Category key.")
        }
        guard let category = QuotaCategory(rawValue: name) else {
            throw CognitoError(.resourceNotFoundException, "No API category is named \(name.prefix(64)).")
        }
        return category
    }

    static func wire(_ category: QuotaCategory, _ value: Int) -> LimitType {
        LimitType(
            limitDefinition: LimitDefinitionType(limitClass: .apiCategory, attributes: ["Category": category.rawValue]),
            provisionedLimitValue: value, freeLimitValue: category.defaultRate)
    }

    /// Whether a pool of the account in the Region has a managed login (version 2) domain.
    func managedLoginInUse(region: String) async throws -> Bool {
        var token: String?
        repeat {
            let page = try await deps.storage.listUserPools(PageRequest(token: token, limit: 60))
            for pool in page.items where pool.id.hasPrefix(region + "_") {
                if try await deps.storage.domains(poolID: pool.id).contains(where: { $0.managedLoginVersion == 2 }) { return true }
            }
            token = page.nextToken
        } while token != nil
        return false
    }
}
