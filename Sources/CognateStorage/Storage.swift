import Foundation

/// Everything Cognate keeps, behind one protocol with uniform verbs. Backends translate their driver's
/// errors into `StorageError`; every backend passes the suite in `CognateStorageConformance`. Newer record
/// families have protocols of their own (`DomainStorage`, `ResourceServerStorage`, `OAuthCodeStorage`, `LoginSessionStorage`, `UICustomizationStorage`, `TermsStorage`, `BrandingStyleStorage`, `IdentityProviderStorage`, `FederationStateStorage`, `UserSessionStorage`, `RiskConfigurationStorage`, `AuthEventStorage`, `UserImportJobStorage`, `ProvisionedLimitStorage`, `CIMDPolicyStorage`, `UserPoolReplicaStorage`, `PointInTimeRecoveryStorage`) that this one gathers.
///
/// `update` verbs run their closure inside one transaction: the record read, changed and written back
/// atomically, so concurrent writers never lose each other's changes. A closure that throws leaves
/// the record as it was and rethrows.
public protocol Storage: DomainStorage, ResourceServerStorage, OAuthCodeStorage, LoginSessionStorage, UICustomizationStorage, TermsStorage,
    BrandingStyleStorage, IdentityProviderStorage, FederationStateStorage, UserSessionStorage, RiskConfigurationStorage, AuthEventStorage,
    UserImportJobStorage, ProvisionedLimitStorage, CIMDPolicyStorage, UserPoolReplicaStorage, PointInTimeRecoveryStorage
{
    // MARK: User pools
    func createUserPool(_ pool: UserPool) async throws
    func userPool(id: String) async throws -> UserPool
    func listUserPools(_ page: PageRequest) async throws -> Page<UserPool>
    @discardableResult
    func updateUserPool(id: String, _ change: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool
    /// Deletes the pool and everything in it: clients, users, groups, memberships.
    func deleteUserPool(id: String) async throws

    // MARK: App clients
    func createAppClient(_ client: AppClient) async throws
    func appClient(poolID: String, clientID: String) async throws -> AppClient
    /// The client with this ID in any pool (client IDs are unique across pools).
    func appClient(clientID: String) async throws -> AppClient
    func listAppClients(poolID: String, _ page: PageRequest) async throws -> Page<AppClient>
    @discardableResult
    func updateAppClient(poolID: String, clientID: String, _ change: @escaping @Sendable (inout AppClient) throws -> Void) async throws -> AppClient
    func deleteAppClient(poolID: String, clientID: String) async throws

    // MARK: Users
    /// Fails with `alreadyExists` when the pool holds the same username key, sub or active alias.
    func createUser(_ user: User) async throws
    func user(poolID: String, usernameKey: String) async throws -> User
    func user(poolID: String, sub: String) async throws -> User
    /// The user whose active alias (a verified email or phone number, or a preferred username) has this key.
    func user(poolID: String, aliasKey: String) async throws -> User
    func listUsers(poolID: String, filter: UserFilter?, _ page: PageRequest) async throws -> Page<User>
    func countUsers(poolID: String) async throws -> Int
    @discardableResult
    func updateUser(poolID: String, usernameKey: String, _ change: @escaping @Sendable (inout User) throws -> Void) async throws -> User
    /// Deletes the user and their group memberships.
    func deleteUser(poolID: String, usernameKey: String) async throws

    // MARK: Groups
    func createGroup(_ group: Group) async throws
    func group(poolID: String, name: String) async throws -> Group
    func listGroups(poolID: String, _ page: PageRequest) async throws -> Page<Group>
    @discardableResult
    func updateGroup(poolID: String, name: String, _ change: @escaping @Sendable (inout Group) throws -> Void) async throws -> Group
    /// Deletes the group and its memberships.
    func deleteGroup(poolID: String, name: String) async throws

    // MARK: Group membership
    /// Adding a member twice is not an error.
    func addMember(poolID: String, groupName: String, usernameKey: String) async throws
    /// Removing a user who is not a member is not an error.
    func removeMember(poolID: String, groupName: String, usernameKey: String) async throws
    func listGroups(poolID: String, memberKey: String, _ page: PageRequest) async throws -> Page<Group>
    func listMembers(poolID: String, groupName: String, _ page: PageRequest) async throws -> Page<User>

    // MARK: Signing keys
    /// Stores `candidate` as the pool's signing key unless the pool has one already; answers the key in
    /// force. Generating a key is slow, so callers generate outside and race here: exactly one wins.
    func ensureSigningKey(_ candidate: SigningKey) async throws -> SigningKey
    /// The pool's signing keys, newest first.
    func signingKeys(poolID: String) async throws -> [SigningKey]
    /// On a database several nodes share, the count of changes to pools, app clients and domains as the
    /// current request first read it: what a node checks what it keeps derived from a pool against (a
    /// pool's parsed signing keys: a pool deleted and made again under its ID on another node has new
    /// ones). Nil when one process owns the database, whose own writes are all it needs to know of.
    func sharedChangeCount() async throws -> Int64?

    // MARK: Authentication sessions
    func createSession(_ session: AuthSession) async throws
    /// Removes and answers the session: a session can be answered only once.
    func takeSession(id: String) async throws -> AuthSession

    // MARK: Refresh tokens
    func createRefreshToken(_ record: RefreshTokenRecord) async throws
    func refreshToken(hash: String) async throws -> RefreshTokenRecord
    /// The refresh token whose sign-in minted tokens carrying this `origin_jti`.
    func refreshToken(originJTI: String) async throws -> RefreshTokenRecord
    /// A user's refresh tokens, live or not, newest first (the admin console shows them).
    func refreshTokens(poolID: String, usernameKey: String) async throws -> [RefreshTokenRecord]
    /// Revokes every refresh token of a user (GlobalSignOut); answers how many were live.
    @discardableResult
    func revokeRefreshTokens(poolID: String, usernameKey: String) async throws -> Int
    /// Revokes one refresh token.
    func revokeRefreshToken(hash: String) async throws
    /// Marks a refresh token as rotated out, unless it already is; answers the record as it was before.
    func markRotated(hash: String, at date: Date) async throws -> RefreshTokenRecord

    // MARK: Outbox
    /// Appends a message and answers it with its sequence number set. Only the newest
    /// `OutboxMessage.retained` messages need to be kept.
    @discardableResult
    func appendMessage(_ message: OutboxMessage) async throws -> OutboxMessage
    /// Messages in the order they were sent, optionally for one pool and one recipient.
    func listMessages(poolID: String?, recipient: String?) async throws -> [OutboxMessage]

    // MARK: Maintenance
    /// Wipes every record.
    func reset() async throws
}
