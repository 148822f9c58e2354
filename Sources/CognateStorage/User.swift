import CognitoModel
import Foundation

/// A user of a pool.
public struct User: Codable, Sendable, Equatable {
    public var poolID: String
    /// The username as it was created.
    public var username: String
    /// The username as lookups compare it: lowered in case-insensitive pools.
    public var usernameKey: String
    public var sub: String
    /// Attributes in the order they were first set (`sub` included, as AWS returns it).
    public var attributes: [UserAttribute]
    /// UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, … (stored as its raw value).
    public var status: UserStatusType
    public var enabled: Bool
    public var creationDate: Date
    public var lastModifiedDate: Date
    /// The non-reversible form of the password; nil until one is set.
    public var password: PasswordCredential?
    /// Earlier passwords, most recent first, as many as the pool's password history keeps.
    public var passwordHistory: [PasswordCredential]?
    /// When a temporary password stops being accepted.
    public var temporaryPasswordExpiry: Date?
    /// Keys of the user's active aliases (see `Storage.user(poolID:aliasKey:)`); unique in the pool.
    public var aliasKeys: [String]
    /// Failed sign-ins since the last successful one, for the lockout back-off.
    public var failedSignIns: Int?
    /// When the last failed sign-in happened.
    public var lastFailedSignIn: Date?
    /// The failed sign-ins counted in the Regions of the pool's secondary replicas, which AWS keeps apart
    /// from the primary's (the two members above).
    public var regionalSignInFailures: [RegionalSignInFailures]?
    /// The risk threat protection gives this user's next evaluated sign-in, set through the test endpoint
    /// (`POST /_cognate/risk`); used up by that sign-in.
    public var nextSignInRisk: RiskLevelType?
    /// Codes sent to the user and not yet used, by purpose (`signup`, `forgot-password`, `verify:email`, …).
    public var codes: [String: PendingCode]?
    /// Multi-factor settings; absent until the user or an administrator sets any.
    public var mfa: UserMFA?
    /// Devices handed out at sign-in (device tracking), confirmed or not, oldest first.
    public var devices: [Device]?
    /// Registered passkeys, oldest first.
    public var webAuthnCredentials: [WebAuthnCredential]?
    /// A passkey registration in progress.
    public var pendingWebAuthnRegistration: PendingWebAuthnRegistration?
    /// Recent code deliveries and wrong codes, which bound how fast codes can be guessed.
    public var codeThrottle: CodeThrottle?
    /// Identities of external providers linked to this user (AdminLinkProviderForUser): signing in with one
    /// of them signs this user in.
    public var linkedIdentities: [LinkedIdentity]?

    public init(
        poolID: String, username: String, usernameKey: String, sub: String, attributes: [UserAttribute],
        status: UserStatusType, enabled: Bool, creationDate: Date, lastModifiedDate: Date,
        password: PasswordCredential? = nil, temporaryPasswordExpiry: Date? = nil, aliasKeys: [String] = []
    ) {
        self.poolID = poolID
        self.username = username
        self.usernameKey = usernameKey
        self.sub = sub
        self.attributes = attributes
        self.status = status
        self.enabled = enabled
        self.creationDate = creationDate
        self.lastModifiedDate = lastModifiedDate
        self.password = password
        self.temporaryPasswordExpiry = temporaryPasswordExpiry
        self.aliasKeys = aliasKeys
    }

    /// The device with this key, if the user has it.
    public func device(_ key: String?) -> Device? {
        guard let key else { return nil }
        return devices?.first { $0.key == key }
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Sets, replaces or (with nil) removes an attribute, keeping the order of the others.
    public mutating func setAttribute(_ name: String, _ value: String?) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            if let value { attributes[index].value = value } else { attributes.remove(at: index) }
        } else if let value {
            attributes.append(UserAttribute(name: name, value: value))
        }
    }

    /// The value a ListUsers filter on `field` compares with.
    public func filterValue(_ field: UserFilter.Field) -> String? {
        switch field {
        case .username: return usernameKey
        case .email: return attribute("email")
        case .phoneNumber: return attribute("phone_number")
        case .name: return attribute("name")
        case .givenName: return attribute("given_name")
        case .familyName: return attribute("family_name")
        case .preferredUsername: return attribute("preferred_username")
        case .userStatus: return status.rawValue
        case .status: return enabled ? "Enabled" : "Disabled"
        case .sub: return sub
        }
    }
}

/// One attribute of a user.
public struct UserAttribute: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A password in a form that cannot be turned back into it: Cognito's SRP verifier v = g^x mod N with
/// its salt. Sign-in with SRP needs exactly this; sign-in with the password itself recomputes v and compares.
public struct PasswordCredential: Codable, Sendable, Equatable {
    /// The salt as SRP clients receive it (hex, no leading zeros).
    public var saltHex: String
    /// The verifier, big-endian, the modulus' length.
    public var verifier: Data
    public var setAt: Date

    public init(saltHex: String, verifier: Data, setAt: Date) {
        self.saltHex = saltHex
        self.verifier = verifier
        self.setAt = setAt
    }
}

/// An identity of an external provider linked to a user: the provider, the attribute that names the identity
/// (`Cognito_Subject`, or a pool attribute the provider's claim is mapped to) and its value.
public struct LinkedIdentity: Codable, Sendable, Equatable {
    public var providerName: String
    public var attributeName: String
    public var value: String
    public var linkedAt: Date

    public init(providerName: String, attributeName: String, value: String, linkedAt: Date) {
        self.providerName = providerName
        self.attributeName = attributeName
        self.value = value
        self.linkedAt = linkedAt
    }

    /// The alias key that makes the identity unique in the pool and finds its user.
    public var aliasKey: String { "identity:" + providerName + ":" + attributeName + ":" + value }

    public static func aliasKey(provider: String, attribute: String, value: String) -> String {
        "identity:" + provider + ":" + attribute + ":" + value
    }
}

/// When codes were last sent to a user and when wrong ones were presented, across all their codes, so
/// that asking for fresh codes does not give a guesser fresh attempts.
public struct CodeThrottle: Codable, Sendable, Equatable {
    public var sends: [Date]
    public var failures: [Date]

    public init(sends: [Date] = [], failures: [Date] = []) {
        self.sends = sends
        self.failures = failures
    }
}

/// The failed sign-ins of a user counted in one secondary Region.
public struct RegionalSignInFailures: Codable, Sendable, Equatable {
    public var region: String
    public var count: Int
    public var last: Date

    public init(region: String, count: Int, last: Date) {
        self.region = region
        self.count = count
        self.last = last
    }
}

/// A code sent to a user: kept only as a hash, used once, valid until it expires.
public struct PendingCode: Codable, Sendable, Equatable {
    public var hash: String
    public var expiresAt: Date
    /// Where it went, so a confirmation can mark that address verified.
    public var attribute: String?
    /// Wrong codes presented against this one so far (absent: none).
    public var failedAttempts: Int?

    public init(hash: String, expiresAt: Date, attribute: String?, failedAttempts: Int? = nil) {
        self.hash = hash
        self.expiresAt = expiresAt
        self.attribute = attribute
        self.failedAttempts = failedAttempts
    }
}
