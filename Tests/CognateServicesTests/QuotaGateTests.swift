import CognateHTTP
import CognateSQL
import CognateSQLite
import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import CognateServices

/// `--enforce-quotas`: each category's rate, RespondToAuthChallenge's allowance, the per-pool rates, provisioned
/// rates, bounded memory, and the web side's 429.
@Suite struct QuotaGateTests {
    final class SteppedClock: CognateServices.Clock {
        private let current = Mutex(Date(timeIntervalSince1970: 1_767_225_600))
        func now() -> Date { current.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    struct Gated {
        let storage: SQLStorage
        let clock: SteppedClock
        let table: OperationTable
        let dependencies: ServiceDependencies

        /// The error code of one request (nil: not an error).
        func send(_ operation: String, _ body: String = "{}", region: String = "us-east-1") async -> String? {
            let answer = await table.dispatch(
                target: "AWSCognitoIdentityProviderService.\(operation)", body: Data(body.utf8),
                context: OperationContext(region: region, requestID: "r", iamAuthorized: true), logger: Logger(label: "test"))
            return answer.errorCode?.rawValue
        }

        /// How many of `count` requests are admitted (not TooManyRequestsException).
        func admitted(_ count: Int, _ operation: String, _ body: String = "{}", region: String = "us-east-1") async -> Int {
            var admitted = 0
            for _ in 0..<count where await send(operation, body, region: region) != "TooManyRequestsException" { admitted += 1 }
            return admitted
        }
    }

    func withGate(_ test: (Gated) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let clock = SteppedClock()
        var configuration = ServiceConfiguration()
        configuration.enforcesQuotas = true
        let dependencies = ServiceDependencies(storage: storage, clock: clock, configuration: configuration, logger: logger)
        do {
            try await test(Gated(storage: storage, clock: clock, table: Services.operationTable(dependencies), dependencies: dependencies))
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    @Test func everyOperationHasACategoryAndTheTableHoldsAWSsDefaults() {
        #expect(QuotaCategory(.initiateAuth) == .userAuthentication && QuotaCategory(.signUp) == .userCreation)
        #expect(QuotaCategory(.listUsers) == .userList && QuotaCategory(.getClientToken) == .clientAuthentication)
        #expect(QuotaCategory(.getProvisionedLimit) == .limitManagement && QuotaCategory(.describeUserPoolClient) == .userPoolClientRead)
        #expect(QuotaCategory.allCases.count == 18)
        #expect(
            QuotaCategory.allCases.filter(\.isAdjustable).map(\.rawValue).sorted() == [
                "UserAuthentication", "UserCreation", "UserFederation", "UserRead", "UserResourceRead", "UserToken",
            ])
        #expect(QuotaCategory.userAuthentication.defaultRate == 120 && QuotaCategory.clientAuthentication.defaultRate == 150)
        #expect(QuotaCategory.limitManagement.defaultRate == 1 && QuotaCategory.userPoolResourceRead.perPoolOperationRate == 5)
    }

    @Test func aCategoryTakesASecondsWorthThenItsRate() async throws {
        try await withGate { gate in
            #expect(await gate.admitted(130, "AdminGetUser", #"{"UserPoolId":"us-east-1_A","Username":"x"}"#) == 120)
            #expect(await gate.send("GetUser", #"{"AccessToken":"x"}"#) == "TooManyRequestsException", "the category's, shared")
            #expect(await gate.send("ListUsers", #"{"UserPoolId":"us-east-1_A"}"#) != "TooManyRequestsException", "another category")
            #expect(await gate.admitted(120, "AdminGetUser", "{}", region: "eu-west-1") == 120, "another Region's own")
            gate.clock.advance(0.5)
            #expect(await gate.admitted(100, "AdminGetUser") == 60)
            gate.clock.advance(-30)
            #expect(await gate.admitted(5, "AdminGetUser") == 0, "time that runs backwards adds nothing")
        }
    }

    @Test func challengeAnswersHaveThreeTimesTheRateThenDrawOnTheCategory() async throws {
        try await withGate { gate in
            let answer = #"{"ClientId":"c","ChallengeName":"SMS_MFA","ChallengeResponses":{}}"#
            #expect(await gate.admitted(360, "RespondToAuthChallenge", answer) == 360)
            #expect(await gate.admitted(200, "AdminRespondToAuthChallenge", answer) == 120, "past the allowance, the category's")
            #expect(await gate.send("InitiateAuth", #"{"ClientId":"c","AuthFlow":"USER_PASSWORD_AUTH"}"#) == "TooManyRequestsException")
            let newPassword = #"{"ClientId":"c","ChallengeName":"NEW_PASSWORD_REQUIRED","ChallengeResponses":{}}"#
            #expect(await gate.admitted(40, "RespondToAuthChallenge", newPassword) == 30, "NEW_PASSWORD_REQUIRED: UserAccountRecovery")
        }
    }

    @Test func poolResourceOperationsTakeFiveASecondPerPoolWithinTheAccountsRate() async throws {
        try await withGate { gate in
            func listGroups(_ pool: String, _ count: Int) async -> Int { await gate.admitted(count, "ListGroups", #"{"UserPoolId":"\#(pool)"}"#) }
            #expect(await listGroups("us-east-1_A", 8) == 5)
            #expect(await gate.admitted(5, "ListResourceServers", #"{"UserPoolId":"us-east-1_A","MaxResults":5}"#) == 5, "per operation")
            #expect(await listGroups("us-east-1_B", 5) == 5)
            #expect(await listGroups("us-east-1_C", 5) == 5)
            #expect(await listGroups("us-east-1_D", 5) == 0, "the account's 20 a second are used")
            let arn = #"{"ResourceArn":"arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_E"}"#
            gate.clock.advance(1)
            #expect(await gate.admitted(7, "ListTagsForResource", arn) == 5, "the pool of an ARN")
        }
    }

    @Test func provisionedRatesApplyAtOnceHereAndWithinASecondFromElsewhere() async throws {
        try await withGate { gate in
            let update = #"{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"UserRead"}},"RequestedLimitValue":200}"#
            #expect(await gate.send("UpdateProvisionedLimit", update) == nil)
            #expect(
                await gate.send("GetProvisionedLimit", #"{"LimitDefinition":{"LimitClass":"API_CATEGORY","Attributes":{"Category":"UserRead"}}}"#)
                    == "TooManyRequestsException", "LimitManagement: 1 a second")
            gate.clock.advance(1)
            #expect(await gate.admitted(250, "GetUser", #"{"AccessToken":"x"}"#) == 200)
            // Another node's write reaches this one when it reads the rates again.
            try await gate.storage.putProvisionedLimit(
                ProvisionedLimit(region: "us-east-1", category: "UserCreation", value: 80, lastModifiedDate: gate.clock.now()))
            #expect(await gate.admitted(60, "SignUp", #"{"ClientId":"c","Username":"u","Password":"p"}"#) == 50, "not yet")
            gate.clock.advance(1.5)
            #expect(await gate.admitted(100, "SignUp", #"{"ClientId":"c","Username":"u","Password":"p"}"#) == 80)
        }
    }

    @Test func bucketsStayBoundedWhateverThePoolsNamed() async throws {
        try await withGate { gate in
            let quotas = try #require(gate.dependencies.quotas)
            for index in 0..<(QuotaGate.maxBuckets + 2_000) {
                _ = await gate.send("ListGroups", #"{"UserPoolId":"us-east-1_\#(index)\#(String(repeating: "x", count: 500))"}"#)
            }
            #expect(quotas.bucketCount <= QuotaGate.maxBuckets)
        }
    }

    @Test func theWebSideAnswers429PastTheRate() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        var configuration = ServiceConfiguration()
        configuration.enforcesQuotas = true
        let app = try CognateApp.build(
            configuration: AppConfiguration(),
            dependencies: ServiceDependencies(storage: storage, clock: SteppedClock(), configuration: configuration, logger: logger),
            logger: logger)
        do {
            try await app.test(.router) { client in
                var statuses: [Int] = []
                var refusal: (String?, String)?
                for _ in 0..<130 {
                    try await client.execute(uri: "/oauth2/userInfo", method: .get, headers: [.authorization: "Bearer x"]) { response in
                        statuses.append(Int(response.status.code))
                        if response.status.code == 429 { refusal = (response.headers[.retryAfter], String(buffer: response.body)) }
                    }
                }
                #expect(statuses.filter { $0 == 429 }.count == 10 && statuses.prefix(120).allSatisfy { $0 != 429 }, "\(statuses)")
                #expect(refusal?.0 == "1" && refusal?.1.contains("Rate exceeded") == true)
                let form = "grant_type=client_credentials&client_id=nobody&client_secret=x"
                var tokenStatuses: [Int] = []
                for _ in 0..<160 {
                    try await client.execute(
                        uri: "/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: form)
                    ) { tokenStatuses.append(Int($0.status.code)) }
                }
                #expect(tokenStatuses.filter { $0 == 429 }.count == 10, "client_credentials: 150 a second")
            }
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
