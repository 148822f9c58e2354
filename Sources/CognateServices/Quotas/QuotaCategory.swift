/// AWS's request-rate categories for user pools: the operations of a category share one rate per account and
/// Region, in requests per second. The defaults, and which categories can be provisioned above their default
/// (UpdateProvisionedLimit), are AWS's ("Amazon Cognito user pools API operation categories and request rate
/// quotas").
public enum QuotaCategory: String, CaseIterable, Sendable, Codable {
    case userAuthentication = "UserAuthentication"
    case userCreation = "UserCreation"
    case userFederation = "UserFederation"
    case userAccountRecovery = "UserAccountRecovery"
    case userRead = "UserRead"
    case userUpdate = "UserUpdate"
    case userToken = "UserToken"
    case userResourceRead = "UserResourceRead"
    case userResourceUpdate = "UserResourceUpdate"
    case userList = "UserList"
    case userPoolRead = "UserPoolRead"
    case userPoolUpdate = "UserPoolUpdate"
    case userPoolResourceRead = "UserPoolResourceRead"
    case userPoolResourceUpdate = "UserPoolResourceUpdate"
    case userPoolClientRead = "UserPoolClientRead"
    case userPoolClientUpdate = "UserPoolClientUpdate"
    case clientAuthentication = "ClientAuthentication"
    case limitManagement = "LimitManagement"

    /// The default (free) rate, in requests per second.
    public var defaultRate: Int {
        switch self {
        case .userAuthentication, .userRead, .userToken: 120
        case .userCreation, .userResourceRead: 50
        case .userFederation, .userUpdate, .userResourceUpdate: 25
        case .userAccountRecovery, .userList: 30
        case .userPoolRead, .userPoolUpdate, .userPoolResourceUpdate, .userPoolClientRead, .userPoolClientUpdate: 15
        case .userPoolResourceRead: 20
        case .clientAuthentication: 150
        case .limitManagement: 1
        }
    }

    /// Whether UpdateProvisionedLimit can raise the rate.
    public var isAdjustable: Bool {
        switch self {
        case .userAuthentication, .userCreation, .userFederation, .userRead, .userToken, .userResourceRead: true
        default: false
        }
    }

    /// The rate of any one operation of the category for a single user pool, where AWS limits one (5 RPS for
    /// the pool-resource and app-client categories); nil: only the account's rate applies.
    public var perPoolOperationRate: Int? {
        switch self {
        case .userPoolResourceRead, .userPoolResourceUpdate, .userPoolClientRead, .userPoolClientUpdate: 5
        default: nil
        }
    }
}
