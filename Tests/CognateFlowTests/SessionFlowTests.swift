import CognateServices
import CognateTesting
import CognitoModel
import Testing

/// Session management in process: token sessions started by sign-ins, listed, revoked with their tokens, and
/// evicted at the per-user maximum; and how a user agent reads as a device.
@Suite struct SessionFlowTests {
    static let password = "Passw0rd!"

    @Test func signInsAreSessionsThatEndWithTheirTokens() async throws {
        try await TestCognate.with { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: Self.password)
            // Without tracking nothing is kept.
            _ = try await cognate.signIn(client, "alice", Self.password)
            let list = { () async throws -> [SessionDescriptionType] in
                try await cognate.call(Operations.AdminListUserSessions.self, AdminListUserSessionsRequest(userPoolId: pool, username: "alice"))
                    .sessions ?? []
            }
            #expect(try await list().isEmpty)
            _ = try await cognate.call(
                Operations.SetUserPoolSessionConfiguration.self,
                SetUserPoolSessionConfigurationRequest(
                    userPoolId: pool, userSessionTracking: .enabled, tokenSession: UserPoolTokenSessionConfigType(maxPerUser: 2)))
            let first = try await cognate.signIn(client, "alice", Self.password)
            cognate.clock.advance(by: 1)
            let second = try await cognate.signIn(client, "alice", Self.password)
            let sessions = try await list()
            #expect(sessions.count == 2)
            #expect(sessions.allSatisfy { $0.sessionType == .token && $0.sessionId?.count == 28 && $0.sessionId?.hasPrefix("tkn") == true })
            let mine =
                try await cognate.call(
                    Operations.ListUserSessions.self, ListUserSessionsRequest(accessToken: first.accessToken ?? ""), iamAuthorized: false
                ).sessions ?? []
            let own = try #require(mine.first { $0.isCurrentSession == true }?.sessionId)
            let other = try #require(mine.first { $0.isCurrentSession == false }?.sessionId)
            await #expect(throws: CognitoError(.invalidParameterException, "You can't revoke the session that the access token belongs to.")) {
                _ = try await cognate.call(
                    Operations.RevokeUserSession.self, RevokeUserSessionRequest(accessToken: first.accessToken ?? "", sessionId: own),
                    iamAuthorized: false)
            }
            _ = try await cognate.call(
                Operations.RevokeUserSession.self, RevokeUserSessionRequest(accessToken: first.accessToken ?? "", sessionId: other),
                iamAuthorized: false)
            await #expect(throws: CognitoError(.notAuthorizedException, "Access Token has been revoked")) {
                _ = try await cognate.call(Operations.GetUser.self, GetUserRequest(accessToken: second.accessToken ?? ""), iamAuthorized: false)
            }
            // At the maximum (2) the least recently active session makes room.
            cognate.clock.advance(by: 1)
            _ = try await cognate.signIn(client, "alice", Self.password)
            cognate.clock.advance(by: 1)
            _ = try await cognate.signIn(client, "alice", Self.password)
            #expect(try await list().count == 2)
            await #expect(throws: CognitoError.self) {
                _ = try await cognate.call(Operations.GetUser.self, GetUserRequest(accessToken: first.accessToken ?? ""), iamAuthorized: false)
            }
        }
    }

    /// Sessions are placed by their last address in the operator's geo-IP database; what it cannot place is
    /// `unknown`, and a database that cannot be read is a server error, not an unknown place.
    @Test func sessionsArePlacedByTheirLastAddress() async throws {
        struct Atlas: GeoLocator {
            struct Unreadable: Error {}
            func locate(_ address: String) throws -> GeoLocation? {
                switch address {
                case "192.0.2.1": return GeoLocation(city: "Seattle", country: "United States")
                case "192.0.2.2": return GeoLocation(city: nil, country: "Canada")
                case "192.0.2.66": throw Unreadable()
                default: return nil
                }
            }
        }
        try await TestCognate.with(geoIP: Atlas()) { cognate in
            let pool = try await cognate.pool()
            let client = try await cognate.client(pool)
            try await cognate.confirmedUser(pool, "alice", password: Self.password)
            _ = try await cognate.call(
                Operations.SetUserPoolSessionConfiguration.self,
                SetUserPoolSessionConfigurationRequest(
                    userPoolId: pool, userSessionTracking: .enabled, tokenSession: UserPoolTokenSessionConfigType(maxPerUser: 20)))
            let list = { () async throws -> [SessionDescriptionType] in
                try await cognate.call(Operations.AdminListUserSessions.self, AdminListUserSessionsRequest(userPoolId: pool, username: "alice"))
                    .sessions ?? []
            }
            for address in ["192.0.2.1", "192.0.2.2", "203.0.113.5"] {
                cognate.clock.advance(by: 1)
                _ = try await RequestOrigin.$current.withValue(RequestOrigin(ipAddress: address, userAgent: "Boto3/1.44.8")) {
                    try await cognate.signIn(client, "alice", Self.password)
                }
            }
            let places = Dictionary(uniqueKeysWithValues: try await list().map { ($0.lastIPAddress ?? "", $0.lastLocation) })
            #expect(places["192.0.2.1"] == SessionLocationType(city: "Seattle", country: "United States"))
            #expect(places["192.0.2.2"] == SessionLocationType(city: nil, country: "Canada"))
            #expect(places["203.0.113.5"] == SessionLocationType(city: nil, country: "unknown"))
            _ = try await RequestOrigin.$current.withValue(RequestOrigin(ipAddress: "192.0.2.66", userAgent: nil)) {
                try await cognate.signIn(client, "alice", Self.password)
            }
            let failure = await #expect(throws: CognitoError.self) { _ = try await list() }
            #expect(failure?.code == .internalErrorException)
        }
    }

    @Test(arguments: [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "Chrome on Linux"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox on Windows"),
        ("Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1 os/linux#6.1", "Boto3"),
        ("aws-cli/1.46.3 md/Botocore#1.43.62", "aws-cli"),
        ("", "unknown"),
    ])
    func userAgentsReadAsDevices(agent: String, device: String) {
        #expect(RequestOrigin.deviceType(agent) == device)
    }
}
