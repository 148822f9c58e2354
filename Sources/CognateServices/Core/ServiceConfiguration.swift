import CognateStorage
import CognitoModel
import Crypto

/// Server-wide settings the services need.
public struct ServiceConfiguration: Sendable {
    /// The region used when a request carries no SigV4 credential scope.
    public var defaultRegion: String
    /// The account ID in ARNs.
    public var accountID: String
    /// Where clients reach Cognate (completed with the bound port when the server listens on port 0).
    public var publicAddress: PublicAddress
    /// The URL clients reach Cognate at, without a trailing slash: token issuers are this plus the pool ID.
    public var publicBaseURL: String {
        get { publicAddress.url }
        set { publicAddress = PublicAddress(newValue) }
    }
    /// Keep the messages Cognate would have sent (codes and temporary passwords included) for the test
    /// endpoints to read. Off, nothing of them is stored.
    public var keepsOutbox: Bool
    /// Write codes and temporary passwords into the log; off, the log shows them masked.
    public var logsCodes: Bool
    /// The key stand-ins for missing users are derived with (PreventUserExistenceErrors): stable across
    /// restarts, so a name gets the same salt and user ID every time, and secret, so they reveal nothing.
    public var simulationKey: SymmetricKey
    /// Tokens carry AWS's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`) instead of Cognate's
    /// address, for verifiers that hard-code it; Cognate still serves the keys and discovery itself.
    public var awsFormIssuer: Bool
    /// Social providers answered by a local OpenID provider instead of their public endpoints, by provider
    /// type (`Google` → `http://localhost:9400`), so applications that sign in with Google can be tested offline.
    public var socialIssuers: [String: String] = [:]
    /// Which provider URLs Cognate calls (`--allow-local-providers` lets plain http and local addresses in).
    public var providerURLs = ProviderURLPolicy(allowsLocal: false)
    /// The addresses client metadata documents may be fetched from: none of the special-use ranges, loopback
    /// as well when the server itself listens on loopback, any under `--allow-local-providers`.
    public var metadataDocumentAddresses = AddressRule.publicOnly(allowingLoopback: false)
    /// The passwords threat protection treats as compromised (`--compromised-passwords` adds to the built-in list).
    public var compromisedPasswords = CompromisedPasswords.builtIn
    /// Count requests in AWS's rate categories and refuse those past the rate (`--enforce-quotas`).
    public var enforcesQuotas = false
    /// Journal every change to user data, which point-in-time recovery reverts (`--recovery-journal`).
    public var keepsRecoveryJournal = true
    /// The account's maximum for adjustable categories, standing in for Service Quotas (`--quota-maximums`).
    public var quotaMaximums: [QuotaCategory: Int] = [:]

    /// The most UpdateProvisionedLimit may provision for the category: the configured maximum, else ten times
    /// the default.
    public func quotaMaximum(_ category: QuotaCategory) -> Int { quotaMaximums[category] ?? category.defaultRate * 10 }

    public init(
        defaultRegion: String = "us-east-1", accountID: String = "000000000000", publicBaseURL: String = "http://127.0.0.1:9229",
        keepsOutbox: Bool = true, logsCodes: Bool = false, simulationKey: SymmetricKey = SymmetricKey(size: .bits256),
        awsFormIssuer: Bool = false, socialIssuers: [String: String] = [:]
    ) {
        self.awsFormIssuer = awsFormIssuer
        self.socialIssuers = socialIssuers
        self.simulationKey = simulationKey
        self.defaultRegion = defaultRegion
        self.accountID = accountID
        self.publicAddress = PublicAddress(publicBaseURL)
        self.keepsOutbox = keepsOutbox
        self.logsCodes = logsCodes
    }

    /// The `iss` of a pool's tokens. Under `--aws-issuer`, AWS's form for the pool's `IssuerConfiguration`:
    /// `https://cognito-idp.<region>.amazonaws.com/<id>` (ORIGINAL), or the multi-Region
    /// `https://issuer-cognito-idp.<primary region>.amazonaws.com/<id>` (UPDATED).
    public func issuer(poolID: String, form: IssuerType? = nil) -> String {
        guard awsFormIssuer else { return publicBaseURL + "/" + poolID }
        let region = poolID.split(separator: "_").first.map(String.init) ?? defaultRegion
        let host = form == .updated ? "issuer-cognito-idp" : "cognito-idp"
        return "https://\(host).\(region).amazonaws.com/" + poolID
    }

    /// The `iss` of the pool's tokens, in the form its configuration asks for.
    public func issuer(of pool: UserPool) -> String {
        issuer(poolID: pool.id, form: pool.settings.issuerConfiguration?.type)
    }

    /// The pool a token's `iss` names, when it is an issuer of this server (in either of AWS's forms).
    public func poolID(fromIssuer issuer: String) -> String? {
        guard let slash = issuer.lastIndex(of: "/") else { return nil }
        let poolID = String(issuer[issuer.index(after: slash)...])
        guard !poolID.isEmpty else { return nil }
        return issuer == self.issuer(poolID: poolID) || issuer == self.issuer(poolID: poolID, form: .updated) ? poolID : nil
    }

    /// Where the pool's keys are served: always at Cognate's own address.
    public func jwksURI(poolID: String) -> String { publicBaseURL + "/" + poolID + "/.well-known/jwks.json" }
}
