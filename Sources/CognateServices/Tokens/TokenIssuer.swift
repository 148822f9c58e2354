import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation

/// A claim value of a token payload.
enum Claim: Codable, Equatable, Sendable, WireEncodable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])
    /// A number that is not a whole one (a PreTokenGeneration function's claim).
    case number(Double)
    /// A list of values other than strings (a PreTokenGeneration function's claim).
    indirect case list([Claim])
    /// A claim whose value is null (an identity's `issuer`).
    case null
    /// A nested claim set, such as RFC 8693's `act`.
    indirect case object([String: Claim])

    /// A token's payload: JSON with sorted keys and unescaped slashes, as Cognito's look, written directly
    /// (no `Encoder` tree: every sign-in writes two).
    static func payload(_ claims: [String: Claim]) -> Data {
        var json = JSONWriter(capacity: 1_024)
        Claim.object(claims).write(to: &json)
        return Data(json.bytes)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .strings(let v): try c.encode(v)
        case .number(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }

    func write(to json: inout JSONWriter) {
        switch self {
        case .string(let v): json.string(v)
        case .int(let v): json.integer(Int64(v))
        case .bool(let v): json.raw(v ? "true" : "false")
        case .strings(let v): v.write(to: &json)
        case .number(let v): json.number(v)
        case .list(let v): v.write(to: &json)
        case .null: json.raw("null")
        case .object(let v):
            json.beginObject()
            for key in v.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { json.member(dynamic: key, v[key]!) }
            json.endObject()
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Int.self) {
            self = .int(v)
        } else if let v = try? c.decode(Double.self) {
            self = .number(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([String].self) {
            self = .strings(v)
        } else if let v = try? c.decode([Claim].self) {
            self = .list(v)
        } else {
            self = .object(try c.decode([String: Claim].self))
        }
    }

    var string: String? { if case .string(let v) = self { v } else { nil } }
    var int: Int? { if case .int(let v) = self { v } else { nil } }
}

/// How a new refresh token relates to the tracked sessions: a fresh authentication starts a token session
/// (through managed login, from an SSO session); a rotation continues its predecessor's.
enum TokenSessionLink: Sendable {
    case new(ssoSessionID: String?)
    case continuing(String?)
    /// No token session: the implicit grant hands the client no refresh token.
    case none
}

/// Mints the ID, access and refresh tokens of a successful sign-in, as Cognito shapes them.
struct TokenIssuer {
    let deps: ServiceDependencies

    /// Lifetimes from the client's settings (defaults: access and ID 60 minutes, refresh 30 days).
    static func lifetimes(_ client: UserPoolClientType) -> (access: Int, id: Int, refresh: Int) {
        let units = client.tokenValidityUnits
        let access = client.accessTokenValidity.map { AppClientService.seconds($0, units?.accessToken, default: .hours) } ?? 3_600
        let id = client.idTokenValidity.map { AppClientService.seconds($0, units?.idToken, default: .hours) } ?? 3_600
        let refresh = AppClientService.seconds(client.refreshTokenValidity ?? 30, units?.refreshToken, default: .days)
        return (access, id, refresh)
    }

    /// Tokens for a new sign-in (or a rotation, which keeps the original `authTime`): a new refresh token
    /// whose `origin_jti` the access and ID tokens carry.
    func signIn(
        _ generation: TokenGeneration, pool: UserPool, client: AppClient, user: User, authTime: Date? = nil, deviceKey: String? = nil,
        scopes: [String]? = nil, nonce: String? = nil, session link: TokenSessionLink = .new(ssoSessionID: nil)
    ) async throws -> AuthenticationResultType {
        ServiceMetrics.signedIn(scopes == nil ? "api" : "oauth")
        let now = deps.clock.now()
        let authTime = authTime ?? now
        let lifetimes = Self.lifetimes(client.settings)
        let refreshToken = OpaqueToken.make(deps.random)
        let originJTI = deps.random.uuid()
        var record = RefreshTokenRecord(
            tokenHash: OpaqueToken.hash(refreshToken), poolID: pool.id, clientID: client.clientID, usernameKey: user.usernameKey,
            originJTI: originJTI, authTime: authTime, issuedAt: now, expiresAt: now.addingTimeInterval(Double(lifetimes.refresh)))
        record.deviceKey = deviceKey
        record.scopes = scopes
        record.metadataURL = client.metadataURL
        let sessions = UserSessions(deps: deps)
        switch link {
        case .new(let ssoSessionID):
            record.sessionID = try await sessions.startTokenSession(
                pool: pool, client: client, user: user, originSessionID: ssoSessionID, expiresAt: record.expiresAt)
        case .continuing(let id):
            record.sessionID = id
            try await sessions.touch(id, expiresAt: record.expiresAt)
        case .none:
            break
        }
        try await deps.storage.createRefreshToken(record)
        var result = try await tokens(
            generation, pool: pool, client: client, user: user, originJTI: originJTI, authTime: authTime, deviceKey: deviceKey, scopes: scopes,
            nonce: nonce)
        result.refreshToken = refreshToken
        return result
    }

    /// Access and ID tokens for a user, without a refresh token (REFRESH_TOKEN_AUTH keeps the old one).
    /// `scopes` are OAuth scopes granted at a managed-login or token-endpoint sign-in (the access token's
    /// `scope`; the ID token only with `openid`, then with `at_hash` and the request's `nonce`); without
    /// them, an API sign-in's `aws.cognito.signin.user.admin`. The pool's PreTokenGeneration, if any,
    /// reshapes the claims first.
    func tokens(
        _ generation: TokenGeneration, pool: UserPool, client: AppClient, user: User, originJTI: String, authTime: Date, deviceKey: String? = nil,
        scopes: [String]? = nil, nonce: String? = nil
    ) async throws -> AuthenticationResultType {
        let lifetimes = Self.lifetimes(client.settings)
        let signer = try await deps.keyRing.signer(poolID: pool.id)
        let memberships = try await memberships(pool: pool, user: user)
        let (access, claims) = try await claimSets(
            pool: pool, client: client, user: user, originJTI: originJTI, authTime: authTime, deviceKey: deviceKey, scopes: scopes,
            memberships: memberships)
        var sets = TokenTriggers.Claims(access: access, id: claims)
        try await TokenTriggers(deps: deps).apply(generation, pool: pool, client: client, user: user, groups: memberships, claims: &sets)
        var id = sets.id ?? claims
        let accessToken = try signer.sign(payload: Claim.payload(sets.access))
        var idToken: String?
        if let scopes {
            if scopes.contains("openid") {
                // OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
                id["at_hash"] = .string(Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8)).prefix(16))))
                if let nonce { id["nonce"] = .string(nonce) }
                idToken = try signer.sign(payload: Claim.payload(id))
            }
        } else {
            idToken = try signer.sign(payload: Claim.payload(id))
        }
        return AuthenticationResultType(accessToken: accessToken, expiresIn: lifetimes.access, tokenType: "Bearer", idToken: idToken)
    }

    /// The claims of a user's access and ID tokens, unsigned: `tokens` signs them; a token exchange
    /// reshapes them first.
    func claimSets(
        pool: UserPool, client: AppClient, user: User, originJTI: String, authTime: Date, deviceKey: String? = nil,
        scopes: [String]? = nil, memberships given: [Group]? = nil
    ) async throws -> (access: [String: Claim], id: [String: Claim]) {
        let now = deps.clock.now()
        let lifetimes = Self.lifetimes(client.settings)
        let memberships: [Group]
        if let given { memberships = given } else { memberships = try await self.memberships(pool: pool, user: user) }
        let groups = memberships.map(\.name)
        // The sign-in's auth event where threat protection recorded one (AWS's tokens name it), else a new ID.
        let eventID = AuthEventTrail.current?.eventID ?? deps.random.uuid()
        let issuer = deps.configuration.issuer(of: pool)
        let iat = Int(now.timeIntervalSince1970)
        let auth = Int(authTime.timeIntervalSince1970)

        var access: [String: Claim] = [
            "sub": .string(user.sub), "iss": .string(issuer), "client_id": .string(client.clientID),
            "origin_jti": .string(originJTI), "event_id": .string(eventID), "token_use": .string("access"),
            "scope": .string(scopes?.joined(separator: " ") ?? "aws.cognito.signin.user.admin"), "auth_time": .int(auth), "iat": .int(iat),
            "exp": .int(iat + lifetimes.access), "jti": .string(deps.random.uuid()), "username": .string(user.username),
        ]
        var id: [String: Claim] = [
            "sub": .string(user.sub), "iss": .string(issuer), "aud": .string(client.clientID),
            "cognito:username": .string(user.username), "origin_jti": .string(originJTI), "event_id": .string(eventID),
            "token_use": .string("id"), "auth_time": .int(auth), "iat": .int(iat), "exp": .int(iat + lifetimes.id),
            "jti": .string(deps.random.uuid()),
        ]
        if let deviceKey { access["device_key"] = .string(deviceKey) }
        if !groups.isEmpty {
            access["cognito:groups"] = .strings(groups)
            id["cognito:groups"] = .strings(groups)
        }
        // The groups' IAM roles, and the role of the group first by precedence, as Cognito's ID tokens carry them.
        let roles = memberships.compactMap(\.roleArn)
        if !roles.isEmpty {
            id["cognito:roles"] = .strings(roles)
            if let preferred = memberships.first(where: { $0.roleArn != nil })?.roleArn { id["cognito:preferred_role"] = .string(preferred) }
        }
        let permissions = AttributePermissions(client: client)
        for attribute in user.attributes where attribute.name != "sub" {
            if !permissions.canRead(attribute.name) { continue }
            switch attribute.name {
            case "email_verified", "phone_number_verified":
                id[attribute.name] = .bool(attribute.value == "true")
            case "identities":
                id["identities"] = Self.identities(attribute.value)
            default:
                id[attribute.name] = .string(attribute.value)
            }
        }
        return (access, id)
    }

    /// The `identities` attribute as the ID token carries it: a list of objects whose `primary` and
    /// `dateCreated` are strings, as in Cognito's tokens.
    static func identities(_ text: String) -> Claim {
        guard case .array(let list)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return .string(text) }
        return .list(
            list.compactMap { item -> Claim? in
                guard case .object(let fields) = item else { return nil }
                var out: [String: Claim] = [:]
                for (key, value) in fields {
                    switch value {
                    case .string(let s): out[key] = .string(s)
                    case .bool(let b): out[key] = .string(b ? "true" : "false")
                    case .number(let n): out[key] = .string(String(Int(n)))
                    case .null: out[key] = .null
                    default: continue
                    }
                }
                return .object(out)
            })
    }

    /// The user's groups, first by precedence (then name): the order of `cognito:groups`.
    func memberships(pool: UserPool, user: User) async throws -> [Group] {
        try await deps.storage.listGroups(poolID: pool.id, memberKey: user.usernameKey, PageRequest(limit: 200)).items
            .sorted { ($0.precedence ?? Int.max, $0.name) < ($1.precedence ?? Int.max, $1.name) }
    }
}
