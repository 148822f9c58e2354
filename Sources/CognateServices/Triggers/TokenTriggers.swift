import CognateStorage
import CognitoModel
import Foundation

/// The occasion of a token issue, as PreTokenGeneration sees it.
struct TokenGeneration: Sendable {
    var source: TokenSource
    /// The ClientMetadata of the call that issues the tokens, where AWS passes it (RespondToAuthChallenge,
    /// GetTokensFromRefreshToken, GetClientToken; not InitiateAuth).
    var clientMetadata: [String: String]?

    init(_ source: TokenSource, clientMetadata: [String: String]? = nil) {
        self.source = source
        self.clientMetadata = clientMetadata
    }
}

/// PreTokenGeneration: the pool's function reshapes the claims before they are signed. V1_0 edits the ID
/// token (and the groups of both); V2_0 also the access token and its scopes; V3_0 as V2_0, and also the
/// access tokens of client-credentials grants. The claims AWS keeps out of the function's reach are refused
/// (InvalidLambdaResponseException), as are answers of the wrong shape.
struct TokenTriggers {
    let deps: ServiceDependencies

    /// The claims no version may add, change or suppress (AWS's list).
    static let reserved: Set<String> = [
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti", "nbf",
        "nonce", "origin_jti", "sub", "token_use",
    ]

    /// The claim sets of the tokens being made; `id` is nil where no ID token is made (client credentials).
    struct Claims {
        var access: [String: Claim]
        var id: [String: Claim]?
    }

    enum Version: String {
        case v1 = "V1_0"
        case v2 = "V2_0"
        case v3 = "V3_0"

        var eventVersion: String {
            switch self {
            case .v1: "1"
            case .v2: "2"
            case .v3: "3"
            }
        }
    }

    static func configured(_ pool: UserPool) -> (function: String, version: Version)? {
        guard let function = Triggers.function(.preTokenGeneration, in: pool) else { return nil }
        let version = RegionalSettings.lambdaConfig(pool)?.preTokenGenerationConfig.flatMap { Version(rawValue: $0.lambdaVersion.rawValue) } ?? .v1
        return (function, version)
    }

    /// Runs the pool's PreTokenGeneration, if any, on `claims`. `user` is nil for a client's own token;
    /// `groups` are the user's, first by precedence.
    func apply(
        _ generation: TokenGeneration, pool: UserPool, client: AppClient, user: User?, groups: [Group], claims: inout Claims
    ) async throws(CognitoError) {
        guard let (function, version) = Self.configured(pool) else { return }
        // Client-credentials tokens are V3_0's alone.
        if generation.source == .clientCredentials, version != .v3 { return }
        var request: [String: JSONValue] = [
            "userAttributes": user.map(TriggerEvent.attributes(of:)) ?? .object([:]),
            "groupConfiguration": .object([
                "groupsToOverride": .array(groups.map { .string($0.name) }),
                "iamRolesToOverride": .array(groups.compactMap(\.roleArn).map(JSONValue.string)),
                "preferredRole": groups.first { $0.roleArn != nil }?.roleArn.map(JSONValue.string) ?? .null,
            ]),
        ]
        if version != .v1 {
            let scopes = claims.access["scope"]?.string?.split(separator: " ").map { JSONValue.string(String($0)) } ?? []
            request["scopes"] = .array(scopes)
        }
        if let metadata = TriggerEvent.strings(generation.clientMetadata) { request["clientMetadata"] = metadata }
        let responseKey = version == .v1 ? "claimsOverrideDetails" : "claimsAndScopeOverrideDetails"
        // A client's own token has no user; the event then names the client (AWS does not document this case).
        var event = TriggerEvent(
            source: generation.source.rawValue, pool: pool, userName: user?.username ?? client.clientID, clientID: client.clientID,
            request: request, response: [responseKey: .null])
        event.version = version.eventVersion
        let response = try await Triggers(deps: deps).run(.preTokenGeneration, function: function, event: event)
        guard let details = try Triggers.object(response, responseKey) else { return }
        if version == .v1 {
            if claims.id != nil { try Self.edit(&claims.id!, with: details, anyJSON: false) }
        } else {
            if let idEdits = try Triggers.object(details, "idTokenGeneration"), claims.id != nil {
                try Self.edit(&claims.id!, with: idEdits, anyJSON: true)
            }
            if let accessEdits = try Triggers.object(details, "accessTokenGeneration") {
                try Self.edit(&claims.access, with: accessEdits, anyJSON: true)
                try Self.editScopes(&claims.access, with: accessEdits)
            }
        }
        if let groupEdits = try Triggers.object(details, "groupOverrideDetails") {
            try Self.overrideGroups(&claims, with: groupEdits)
        }
    }

    /// `claimsToAddOrOverride`, then `claimsToSuppress` (suppression wins).
    static func edit(_ claims: inout [String: Claim], with edits: [String: JSONValue], anyJSON: Bool) throws(CognitoError) {
        let added = try Triggers.object(edits, "claimsToAddOrOverride") ?? [:]
        let suppressed = try Triggers.list(edits, "claimsToSuppress") ?? []
        for name in Array(added.keys) + suppressed where reserved.contains(name) || name.isEmpty {
            throw Triggers.unrecognizable
        }
        for (name, value) in added {
            guard let claim = claim(value, anyJSON: anyJSON) else { throw Triggers.unrecognizable }
            claims[name] = claim
        }
        for name in suppressed { claims[name] = nil }
    }

    /// `scopesToAdd` and `scopesToSuppress` edit the access token's `scope`, keeping its order.
    static func editScopes(_ claims: inout [String: Claim], with edits: [String: JSONValue]) throws(CognitoError) {
        let added = try Triggers.list(edits, "scopesToAdd") ?? []
        let suppressed = Set(try Triggers.list(edits, "scopesToSuppress") ?? [])
        guard !added.isEmpty || !suppressed.isEmpty else { return }
        for scope in added where scope.isEmpty || scope.contains(where: \.isWhitespace) { throw Triggers.unrecognizable }
        var scopes = (claims["scope"]?.string ?? "").split(separator: " ").map(String.init).filter { !suppressed.contains($0) }
        for scope in added where !scopes.contains(scope) && !suppressed.contains(scope) { scopes.append(scope) }
        claims["scope"] = .string(scopes.joined(separator: " "))
    }

    /// `groupOverrideDetails` replaces the groups (and their roles) in both tokens; an empty list removes them.
    static func overrideGroups(_ claims: inout Claims, with edits: [String: JSONValue]) throws(CognitoError) {
        let groups = try Triggers.list(edits, "groupsToOverride") ?? []
        let roles = try Triggers.list(edits, "iamRolesToOverride") ?? []
        let preferred = try Triggers.text(edits, "preferredRole")
        claims.access["cognito:groups"] = groups.isEmpty ? nil : .strings(groups)
        guard claims.id != nil else { return }
        claims.id?["cognito:groups"] = groups.isEmpty ? nil : .strings(groups)
        claims.id?["cognito:roles"] = roles.isEmpty ? nil : .strings(roles)
        claims.id?["cognito:preferred_role"] = preferred.map(Claim.string)
    }

    /// A function's claim value as a token claim: V1_0 takes strings, numbers and booleans; V2_0 and V3_0
    /// any JSON. Null is refused.
    static func claim(_ value: JSONValue, anyJSON: Bool) -> Claim? {
        switch value {
        case .null: return nil
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .number(let number):
            guard number.isFinite else { return nil }
            if number == number.rounded(), abs(number) < 9e15 { return .int(Int(number)) }
            return .number(number)
        case .array(let items):
            guard anyJSON else { return nil }
            if let texts = try? items.map({ item throws(CognitoError) -> String in
                guard case .string(let text) = item else { throw Triggers.unrecognizable }
                return text
            }) {
                return .strings(texts)
            }
            var out: [Claim] = []
            for item in items {
                guard let claim = claim(item, anyJSON: true) else { return nil }
                out.append(claim)
            }
            return .list(out)
        case .object(let map):
            guard anyJSON else { return nil }
            var out: [String: Claim] = [:]
            for (name, item) in map {
                guard let claim = claim(item, anyJSON: true) else { return nil }
                out[name] = claim
            }
            return .object(out)
        }
    }
}
