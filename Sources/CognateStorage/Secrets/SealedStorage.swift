import Foundation

/// Any storage backend with the secrets its records hold sealed at rest: users' TOTP seeds, app clients'
/// secrets and pools' private signing keys are written sealed and read opened, so a copy of the database
/// without the key gives none of them away. Everything else passes through unchanged; the backend's
/// caches hold the sealed form, and values stored before sealing are read as they are and sealed on
/// their next write.
public struct SealedStorage: Storage {
    public let inner: any Storage
    public let sealer: any SecretSealer

    public init(_ inner: any Storage, sealer: any SecretSealer) {
        self.inner = inner
        self.sealer = sealer
    }

    // MARK: The sealed fields

    func sealed(_ user: User) throws -> User {
        try transform(user, sealer.seal)
    }

    func opened(_ user: User) throws -> User {
        try transform(user, sealer.open)
    }

    private func transform(_ user: User, _ apply: (String) throws -> String) throws -> User {
        guard var mfa = user.mfa, mfa.softwareToken != nil || mfa.pendingSecret != nil else { return user }
        var user = user
        if let secret = mfa.softwareToken?.secret { mfa.softwareToken?.secret = try apply(secret) }
        if let pending = mfa.pendingSecret { mfa.pendingSecret = try apply(pending) }
        user.mfa = mfa
        return user
    }

    func sealed(_ client: AppClient) throws -> AppClient {
        var client = client
        for index in client.secrets.indices { client.secrets[index].value = try sealer.seal(client.secrets[index].value) }
        return client
    }

    func opened(_ client: AppClient) throws -> AppClient {
        var client = client
        for index in client.secrets.indices { client.secrets[index].value = try sealer.open(client.secrets[index].value) }
        return client
    }

    func sealed(_ key: SigningKey) throws -> SigningKey {
        var key = key
        key.privateKeyPEM = try sealer.seal(key.privateKeyPEM)
        return key
    }

    func opened(_ key: SigningKey) throws -> SigningKey {
        var key = key
        key.privateKeyPEM = try sealer.open(key.privateKeyPEM)
        return key
    }

    /// A page with each record opened.
    func opened<Record>(_ page: Page<Record>, _ open: (Record) throws -> Record) throws -> Page<Record> {
        Page(items: try page.items.map(open), nextToken: page.nextToken)
    }

    /// A caller's change to a record, made on the stored form inside the backend's transaction: opened,
    /// changed, sealed again.
    func throughSeal<Record>(
        _ change: @escaping @Sendable (inout Record) throws -> Void, open: @escaping @Sendable (Record) throws -> Record,
        seal: @escaping @Sendable (Record) throws -> Record
    ) -> @Sendable (inout Record) throws -> Void {
        { stored in
            var record = try open(stored)
            try change(&record)
            stored = try seal(record)
        }
    }

    // MARK: User pools (nothing sealed)

    public func createUserPool(_ pool: UserPool) async throws { try await inner.createUserPool(pool) }
    public func userPool(id: String) async throws -> UserPool { try await inner.userPool(id: id) }
    public func listUserPools(_ page: PageRequest) async throws -> Page<UserPool> { try await inner.listUserPools(page) }
    public func updateUserPool(id: String, _ change: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool {
        try await inner.updateUserPool(id: id, change)
    }
    public func deleteUserPool(id: String) async throws { try await inner.deleteUserPool(id: id) }

    // MARK: App clients

    public func createAppClient(_ client: AppClient) async throws { try await inner.createAppClient(try sealed(client)) }
    public func appClient(poolID: String, clientID: String) async throws -> AppClient {
        try opened(try await inner.appClient(poolID: poolID, clientID: clientID))
    }
    public func appClient(clientID: String) async throws -> AppClient { try opened(try await inner.appClient(clientID: clientID)) }
    public func listAppClients(poolID: String, _ page: PageRequest) async throws -> Page<AppClient> {
        try opened(try await inner.listAppClients(poolID: poolID, page), opened)
    }
    public func updateAppClient(
        poolID: String, clientID: String, _ change: @escaping @Sendable (inout AppClient) throws -> Void
    ) async throws -> AppClient {
        try opened(try await inner.updateAppClient(poolID: poolID, clientID: clientID, throughSeal(change, open: opened, seal: sealed)))
    }
    public func deleteAppClient(poolID: String, clientID: String) async throws { try await inner.deleteAppClient(poolID: poolID, clientID: clientID) }

    // MARK: Users

    public func createUser(_ user: User) async throws { try await inner.createUser(try sealed(user)) }
    public func user(poolID: String, usernameKey: String) async throws -> User {
        try opened(try await inner.user(poolID: poolID, usernameKey: usernameKey))
    }
    public func user(poolID: String, sub: String) async throws -> User { try opened(try await inner.user(poolID: poolID, sub: sub)) }
    public func user(poolID: String, aliasKey: String) async throws -> User {
        try opened(try await inner.user(poolID: poolID, aliasKey: aliasKey))
    }
    public func listUsers(poolID: String, filter: UserFilter?, _ page: PageRequest) async throws -> Page<User> {
        try opened(try await inner.listUsers(poolID: poolID, filter: filter, page), opened)
    }
    public func countUsers(poolID: String) async throws -> Int { try await inner.countUsers(poolID: poolID) }
    public func updateUser(
        poolID: String, usernameKey: String, _ change: @escaping @Sendable (inout User) throws -> Void
    ) async throws -> User {
        try opened(
            try await inner.updateUser(poolID: poolID, usernameKey: usernameKey) { stored in
                let before = try opened(stored)
                var user = before
                try change(&user)
                // A secret the change left alone keeps its sealed form: sealing again (under a fresh nonce) would
                // make every write look like a change of the user's MFA settings.
                let keptSecret = user.mfa?.softwareToken?.secret == before.mfa?.softwareToken?.secret
                let keptPending = user.mfa?.pendingSecret == before.mfa?.pendingSecret
                var resealed = try sealed(user)
                if keptSecret, let secret = stored.mfa?.softwareToken?.secret, resealed.mfa?.softwareToken != nil {
                    resealed.mfa?.softwareToken?.secret = secret
                }
                if keptPending, let pending = stored.mfa?.pendingSecret, resealed.mfa != nil { resealed.mfa?.pendingSecret = pending }
                stored = resealed
            })
    }
    public func deleteUser(poolID: String, usernameKey: String) async throws { try await inner.deleteUser(poolID: poolID, usernameKey: usernameKey) }

    // MARK: Groups and membership (nothing sealed but the members listed)

    public func createGroup(_ group: Group) async throws { try await inner.createGroup(group) }
    public func group(poolID: String, name: String) async throws -> Group { try await inner.group(poolID: poolID, name: name) }
    public func listGroups(poolID: String, _ page: PageRequest) async throws -> Page<Group> { try await inner.listGroups(poolID: poolID, page) }
    public func updateGroup(poolID: String, name: String, _ change: @escaping @Sendable (inout Group) throws -> Void) async throws -> Group {
        try await inner.updateGroup(poolID: poolID, name: name, change)
    }
    public func deleteGroup(poolID: String, name: String) async throws { try await inner.deleteGroup(poolID: poolID, name: name) }
    public func addMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await inner.addMember(poolID: poolID, groupName: groupName, usernameKey: usernameKey)
    }
    public func removeMember(poolID: String, groupName: String, usernameKey: String) async throws {
        try await inner.removeMember(poolID: poolID, groupName: groupName, usernameKey: usernameKey)
    }
    public func listGroups(poolID: String, memberKey: String, _ page: PageRequest) async throws -> Page<Group> {
        try await inner.listGroups(poolID: poolID, memberKey: memberKey, page)
    }
    public func listMembers(poolID: String, groupName: String, _ page: PageRequest) async throws -> Page<User> {
        try opened(try await inner.listMembers(poolID: poolID, groupName: groupName, page), opened)
    }

    // MARK: Signing keys

    public func ensureSigningKey(_ candidate: SigningKey) async throws -> SigningKey {
        try opened(try await inner.ensureSigningKey(try sealed(candidate)))
    }
    public func signingKeys(poolID: String) async throws -> [SigningKey] { try await inner.signingKeys(poolID: poolID).map(opened) }
    public func sharedChangeCount() async throws -> Int64? { try await inner.sharedChangeCount() }

    // MARK: Sessions, refresh tokens, outbox, maintenance (nothing sealed)

    public func createSession(_ session: AuthSession) async throws { try await inner.createSession(session) }
    public func takeSession(id: String) async throws -> AuthSession { try await inner.takeSession(id: id) }
    public func createRefreshToken(_ record: RefreshTokenRecord) async throws { try await inner.createRefreshToken(record) }
    public func refreshToken(hash: String) async throws -> RefreshTokenRecord { try await inner.refreshToken(hash: hash) }
    public func refreshToken(originJTI: String) async throws -> RefreshTokenRecord { try await inner.refreshToken(originJTI: originJTI) }
    public func refreshTokens(poolID: String, usernameKey: String) async throws -> [RefreshTokenRecord] {
        try await inner.refreshTokens(poolID: poolID, usernameKey: usernameKey)
    }
    public func revokeRefreshTokens(poolID: String, usernameKey: String) async throws -> Int {
        try await inner.revokeRefreshTokens(poolID: poolID, usernameKey: usernameKey)
    }
    public func revokeRefreshToken(hash: String) async throws { try await inner.revokeRefreshToken(hash: hash) }
    public func markRotated(hash: String, at date: Date) async throws -> RefreshTokenRecord { try await inner.markRotated(hash: hash, at: date) }
    public func appendMessage(_ message: OutboxMessage) async throws -> OutboxMessage { try await inner.appendMessage(message) }
    public func listMessages(poolID: String?, recipient: String?) async throws -> [OutboxMessage] {
        try await inner.listMessages(poolID: poolID, recipient: recipient)
    }
    public func reset() async throws { try await inner.reset() }
}

// Domains and resource servers hold no secrets.
extension SealedStorage {
    public func createDomain(_ domain: UserPoolDomain) async throws { try await inner.createDomain(domain) }
    public func domain(name: String) async throws -> UserPoolDomain { try await inner.domain(name: name) }
    public func domains(poolID: String) async throws -> [UserPoolDomain] { try await inner.domains(poolID: poolID) }
    public func updateDomain(name: String, _ change: @escaping @Sendable (inout UserPoolDomain) throws -> Void) async throws -> UserPoolDomain {
        try await inner.updateDomain(name: name, change)
    }
    public func deleteDomain(name: String) async throws { try await inner.deleteDomain(name: name) }

    public func createResourceServer(_ server: ResourceServer) async throws { try await inner.createResourceServer(server) }
    public func resourceServer(poolID: String, identifier: String) async throws -> ResourceServer {
        try await inner.resourceServer(poolID: poolID, identifier: identifier)
    }
    public func listResourceServers(poolID: String, _ page: PageRequest) async throws -> Page<ResourceServer> {
        try await inner.listResourceServers(poolID: poolID, page)
    }
    public func updateResourceServer(
        poolID: String, identifier: String, _ change: @escaping @Sendable (inout ResourceServer) throws -> Void
    ) async throws -> ResourceServer {
        try await inner.updateResourceServer(poolID: poolID, identifier: identifier, change)
    }
    public func deleteResourceServer(poolID: String, identifier: String) async throws {
        try await inner.deleteResourceServer(poolID: poolID, identifier: identifier)
    }
}

// Codes and login sessions are stored as hashes: nothing to seal.
extension SealedStorage {
    public func createAuthorizationCode(_ code: AuthorizationCode) async throws { try await inner.createAuthorizationCode(code) }
    public func takeAuthorizationCode(hash: String) async throws -> AuthorizationCode { try await inner.takeAuthorizationCode(hash: hash) }
    public func createLoginSession(_ session: LoginSession) async throws { try await inner.createLoginSession(session) }
    public func loginSession(hash: String) async throws -> LoginSession { try await inner.loginSession(hash: hash) }
    public func deleteLoginSession(hash: String) async throws { try await inner.deleteLoginSession(hash: hash) }
    public func deleteLoginSessions(poolID: String, usernameKey: String) async throws {
        try await inner.deleteLoginSessions(poolID: poolID, usernameKey: usernameKey)
    }
}

// Tracked sessions hold no secrets.
extension SealedStorage {
    public func createUserSession(_ session: UserSession) async throws { try await inner.createUserSession(session) }
    public func userSession(id: String) async throws -> UserSession { try await inner.userSession(id: id) }
    public func userSession(loginSessionHash: String) async throws -> UserSession {
        try await inner.userSession(loginSessionHash: loginSessionHash)
    }
    public func userSessions(poolID: String, usernameKey: String) async throws -> [UserSession] {
        try await inner.userSessions(poolID: poolID, usernameKey: usernameKey)
    }
    public func updateUserSession(id: String, _ change: @escaping @Sendable (inout UserSession) throws -> Void) async throws -> UserSession {
        try await inner.updateUserSession(id: id, change)
    }
    public func deleteUserSession(id: String) async throws { try await inner.deleteUserSession(id: id) }
}

// Branding holds no secrets.
extension SealedStorage {
    public func putUICustomization(_ customization: UICustomization) async throws { try await inner.putUICustomization(customization) }
    public func uiCustomization(poolID: String, clientID: String) async throws -> UICustomization {
        try await inner.uiCustomization(poolID: poolID, clientID: clientID)
    }
}

// Terms documents hold no secrets.
extension SealedStorage {
    public func createTerms(_ terms: TermsDocument) async throws { try await inner.createTerms(terms) }
    public func terms(poolID: String, termsID: String) async throws -> TermsDocument { try await inner.terms(poolID: poolID, termsID: termsID) }
    public func terms(poolID: String, clientID: String) async throws -> [TermsDocument] { try await inner.terms(poolID: poolID, clientID: clientID) }
    public func listTerms(poolID: String, _ page: PageRequest) async throws -> Page<TermsDocument> { try await inner.listTerms(poolID: poolID, page) }
    public func updateTerms(
        poolID: String, termsID: String, _ change: @escaping @Sendable (inout TermsDocument) throws -> Void
    ) async throws -> TermsDocument {
        try await inner.updateTerms(poolID: poolID, termsID: termsID, change)
    }
    public func deleteTerms(poolID: String, termsID: String) async throws { try await inner.deleteTerms(poolID: poolID, termsID: termsID) }
}

// Branding styles hold no secrets.
extension SealedStorage {
    public func createBrandingStyle(_ style: BrandingStyle) async throws { try await inner.createBrandingStyle(style) }
    public func brandingStyle(poolID: String, brandingID: String) async throws -> BrandingStyle {
        try await inner.brandingStyle(poolID: poolID, brandingID: brandingID)
    }
    public func brandingStyle(poolID: String, clientID: String) async throws -> BrandingStyle {
        try await inner.brandingStyle(poolID: poolID, clientID: clientID)
    }
    public func updateBrandingStyle(
        poolID: String, brandingID: String, _ change: @escaping @Sendable (inout BrandingStyle) throws -> Void
    ) async throws -> BrandingStyle {
        try await inner.updateBrandingStyle(poolID: poolID, brandingID: brandingID, change)
    }
    public func deleteBrandingStyle(poolID: String, brandingID: String) async throws {
        try await inner.deleteBrandingStyle(poolID: poolID, brandingID: brandingID)
    }
}

extension SealedStorage {
    public func putRiskConfiguration(_ configuration: RiskConfiguration) async throws { try await inner.putRiskConfiguration(configuration) }
    public func putProvisionedLimit(_ limit: ProvisionedLimit) async throws { try await inner.putProvisionedLimit(limit) }
    public func provisionedLimits(region: String) async throws -> [ProvisionedLimit] { try await inner.provisionedLimits(region: region) }
    public func riskConfiguration(poolID: String, clientID: String?) async throws -> RiskConfiguration {
        try await inner.riskConfiguration(poolID: poolID, clientID: clientID)
    }
    public func deleteRiskConfiguration(poolID: String, clientID: String?) async throws {
        try await inner.deleteRiskConfiguration(poolID: poolID, clientID: clientID)
    }
    public func appendAuthEvent(_ event: AuthEvent) async throws { try await inner.appendAuthEvent(event) }
    public func authEvents(poolID: String, usernameKey: String, after: String?, limit: Int) async throws -> [AuthEvent] {
        try await inner.authEvents(poolID: poolID, usernameKey: usernameKey, after: after, limit: limit)
    }
    public func authEvent(poolID: String, usernameKey: String, id: String) async throws -> AuthEvent {
        try await inner.authEvent(poolID: poolID, usernameKey: usernameKey, id: id)
    }
    public func updateAuthEvent(
        poolID: String, usernameKey: String, id: String, _ change: @escaping @Sendable (inout AuthEvent) throws -> Void
    ) async throws -> AuthEvent {
        try await inner.updateAuthEvent(poolID: poolID, usernameKey: usernameKey, id: id, change)
    }
}

extension SealedStorage {
    public func createUserImportJob(_ job: UserImportJob) async throws { try await inner.createUserImportJob(job) }
    public func userImportJob(poolID: String, id: String) async throws -> UserImportJob { try await inner.userImportJob(poolID: poolID, id: id) }
    public func listUserImportJobs(poolID: String, after: String?, limit: Int) async throws -> [UserImportJob] {
        try await inner.listUserImportJobs(poolID: poolID, after: after, limit: limit)
    }
    public func countUserImportJobs(poolID: String) async throws -> Int { try await inner.countUserImportJobs(poolID: poolID) }
    public func updateUserImportJob(
        poolID: String, id: String, _ change: @escaping @Sendable (inout UserImportJob) throws -> Void
    ) async throws -> UserImportJob {
        try await inner.updateUserImportJob(poolID: poolID, id: id, change)
    }
    public func hasActiveUserImportJob(poolID: String) async throws -> Bool { try await inner.hasActiveUserImportJob(poolID: poolID) }
    public func claimUserImportJob(node: String, now: Date, until: Date) async throws -> UserImportJob? {
        try await inner.claimUserImportJob(node: node, now: now, until: until)
    }
    public func putUserImportChunk(poolID: String, id: String, upload: String, index: Int, bytes: Data) async throws {
        try await inner.putUserImportChunk(poolID: poolID, id: id, upload: upload, index: index, bytes: bytes)
    }
    public func userImportChunk(poolID: String, id: String, upload: String, index: Int) async throws -> Data {
        try await inner.userImportChunk(poolID: poolID, id: id, upload: upload, index: index)
    }
    public func deleteUserImportChunks(poolID: String, id: String, upload: String?) async throws {
        try await inner.deleteUserImportChunks(poolID: poolID, id: id, upload: upload)
    }
    public func importUsers(
        poolID: String, id: String, users: [User], _ record: @escaping @Sendable (inout UserImportJob, [UserImportOutcome]) throws -> String
    ) async throws -> UserImportJob {
        try await inner.importUsers(poolID: poolID, id: id, users: try users.map(sealed), record)
    }
    public func userImportLog(poolID: String, id: String, after: Int, limit: Int) async throws -> [(seq: Int, lines: String)] {
        try await inner.userImportLog(poolID: poolID, id: id, after: after, limit: limit)
    }
}

extension SealedStorage {
    public func createCIMDPolicy(_ policy: CIMDPolicy) async throws { try await inner.createCIMDPolicy(policy) }
    public func cimdPolicy(poolID: String, policyID: String) async throws -> CIMDPolicy {
        try await inner.cimdPolicy(poolID: poolID, policyID: policyID)
    }
    public func listCIMDPolicies(poolID: String, _ page: PageRequest) async throws -> Page<CIMDPolicy> {
        try await inner.listCIMDPolicies(poolID: poolID, page)
    }
    public func allCIMDPolicies(limit: Int) async throws -> [CIMDPolicy] { try await inner.allCIMDPolicies(limit: limit) }
    @discardableResult
    public func updateCIMDPolicy(poolID: String, policyID: String, _ change: @escaping @Sendable (inout CIMDPolicy) throws -> Void) async throws
        -> CIMDPolicy
    {
        try await inner.updateCIMDPolicy(poolID: poolID, policyID: policyID, change)
    }
    public func deleteCIMDPolicy(poolID: String, policyID: String) async throws {
        try await inner.deleteCIMDPolicy(poolID: poolID, policyID: policyID)
    }
    public func putClientMetadata(_ metadata: CachedClientMetadata, keepingAtMost: Int) async throws {
        try await inner.putClientMetadata(metadata, keepingAtMost: keepingAtMost)
    }
    public func clientMetadata(poolID: String, policyID: String, url: String) async throws -> CachedClientMetadata {
        try await inner.clientMetadata(poolID: poolID, policyID: policyID, url: url)
    }
    public func listClientMetadata(poolID: String, policyID: String, _ page: PageRequest) async throws -> Page<CachedClientMetadata> {
        try await inner.listClientMetadata(poolID: poolID, policyID: policyID, page)
    }
    public func deleteClientMetadata(poolID: String, policyID: String, url: String) async throws {
        try await inner.deleteClientMetadata(poolID: poolID, policyID: policyID, url: url)
    }
}

extension SealedStorage {
    public func createReplica(_ replica: UserPoolReplica) async throws { try await inner.createReplica(replica) }
    public func replicas(poolID: String) async throws -> [UserPoolReplica] { try await inner.replicas(poolID: poolID) }
    public func allReplicas(limit: Int) async throws -> [UserPoolReplica] { try await inner.allReplicas(limit: limit) }
    @discardableResult
    public func updateReplica(poolID: String, region: String, _ change: @escaping @Sendable (inout UserPoolReplica) throws -> Void) async throws
        -> UserPoolReplica
    {
        try await inner.updateReplica(poolID: poolID, region: region, change)
    }
    public func deleteReplica(poolID: String, region: String) async throws { try await inner.deleteReplica(poolID: poolID, region: region) }
}

// Recoveries hold no secrets; the journal holds records in the form the backend stores them (sealed).
extension SealedStorage {
    public func configureRecoveryJournal(enabled: Bool, now: @escaping @Sendable () -> Date) {
        inner.configureRecoveryJournal(enabled: enabled, now: now)
    }
    public var recoveryJournalEnabled: Bool { inner.recoveryJournalEnabled }
    public func createRecovery(_ recovery: PointInTimeRecovery) async throws { try await inner.createRecovery(recovery) }
    public func recovery(poolID: String, restoreID: String) async throws -> PointInTimeRecovery {
        try await inner.recovery(poolID: poolID, restoreID: restoreID)
    }
    public func listRecoveries(poolID: String, _ page: PageRequest) async throws -> Page<PointInTimeRecovery> {
        try await inner.listRecoveries(poolID: poolID, page)
    }
    public func recoveries(since: Date) async throws -> [PointInTimeRecovery] { try await inner.recoveries(since: since) }
    public func updateRecovery(
        poolID: String, restoreID: String, _ change: @escaping @Sendable (inout PointInTimeRecovery) throws -> Void
    ) async throws -> PointInTimeRecovery {
        try await inner.updateRecovery(poolID: poolID, restoreID: restoreID, change)
    }
    public func pausingRecovery(poolID: String) async throws -> PointInTimeRecovery? { try await inner.pausingRecovery(poolID: poolID) }
    public func recoveryPreview(poolID: String, point: Date, through: Date) async throws -> [RecoveryCount] {
        try await inner.recoveryPreview(poolID: poolID, point: point, through: through)
    }
    public func applyRecovery(poolID: String, restoreID: String, now: Date) async throws -> PointInTimeRecovery {
        try await inner.applyRecovery(poolID: poolID, restoreID: restoreID, now: now)
    }
    public func pruneRecoveryJournal(poolID: String, before: Date) async throws -> Int {
        try await inner.pruneRecoveryJournal(poolID: poolID, before: before)
    }
    public func recoveryJournalSize(poolID: String) async throws -> (entries: Int, bytes: Int) {
        try await inner.recoveryJournalSize(poolID: poolID)
    }
}
