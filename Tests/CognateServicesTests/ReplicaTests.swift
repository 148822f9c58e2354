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
import NIOCore
import Testing

@testable import CognateHTTP
@testable import CognateServices

/// Multi-Region replicas' parts: the issuer forms, the Region of an unsigned request sent to AWS's host
/// name, and the gate that serves a secondary Region as AWS's secondary replica.
@Suite struct ReplicaTests {
    @Test func issuersTakeTheFormThePoolAsksFor() {
        let aws = ServiceConfiguration(awsFormIssuer: true)
        #expect(aws.issuer(poolID: "eu-west-1_abc") == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc")
        #expect(aws.issuer(poolID: "eu-west-1_abc", form: .updated) == "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc")
        #expect(aws.poolID(fromIssuer: "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc") == "eu-west-1_abc")
        #expect(aws.poolID(fromIssuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc") == "eu-west-1_abc")
        #expect(aws.poolID(fromIssuer: "https://issuer-cognito-idp.us-east-1.amazonaws.com/eu-west-1_abc") == nil)
        let own = ServiceConfiguration(publicBaseURL: "http://127.0.0.1:9229")
        #expect(own.issuer(poolID: "eu-west-1_abc", form: .updated) == "http://127.0.0.1:9229/eu-west-1_abc")
    }

    @Test func anUnsignedRequestToAWSsHostNameHasItsRegion() {
        #expect(AWSEndpoint.region(fromHost: "cognito-idp.us-west-2.amazonaws.com") == "us-west-2")
        #expect(AWSEndpoint.region(fromHost: "cognito-idp.us-west-2.amazonaws.com:443") == "us-west-2")
        #expect(AWSEndpoint.region(fromHost: "cognito-idp-fips.us-gov-west-1.amazonaws.com") == "us-gov-west-1")
        #expect(AWSEndpoint.region(fromHost: "127.0.0.1:9229") == nil)
        #expect(AWSEndpoint.region(fromHost: "cognito-idp.us-west-2.amazonaws.com.evil.example") == nil)
        #expect(AWSEndpoint.region(fromHost: "cognito-idp.US_WEST.amazonaws.com") == nil)
        #expect(AWSEndpoint.region(fromHost: nil) == nil)
    }

    @Test func aSecondaryRegionServesOnlyWhatAWSsSecondaryDoes() async throws {
        #expect(ReplicaAccess(.initiateAuth) == .signIn && ReplicaAccess(.signUp) == .primaryOnly)
        #expect(ReplicaAccess(.describeUserPool) == .administration && ReplicaAccess(.deleteUserPool) == .primaryOnly)
        #expect(ReplicaAccess(.updateUserPool) == .administration, "it sets the Region's own settings there")
        #expect(ReplicaAccess(.associateSoftwareToken) == .primaryOnly, "no TOTP in a secondary")
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let deps = ServiceDependencies(storage: storage, logger: logger)
        let table = Services.operationTable(deps)
        func send(_ operation: String, _ body: String, region: String) async -> String? {
            await table.dispatch(
                target: "AWSCognitoIdentityProviderService.\(operation)", body: Data(body.utf8),
                context: OperationContext(region: region, requestID: "r", iamAuthorized: true), logger: logger
            ).errorCode?.rawValue
        }
        do {
            let now = Date()
            let pool = try await Self.replicatedPool(storage)
            try await storage.createAppClient(
                AppClient(
                    poolID: pool, clientID: "client1", settings: UserPoolClientType(userPoolId: pool, clientName: "c", clientId: "client1"),
                    secrets: []))
            let describe = #"{"UserPoolId":"\#(pool)"}"#
            let signUp = #"{"ClientId":"client1","Username":"bob","Password":"Passw0rd!Passw0rd"}"#
            #expect(await send("SignUp", signUp, region: "us-west-2") != "OperationNotEnabledException", "no replica: served as before")
            try await storage.createReplica(
                UserPoolReplica(poolID: pool, region: "us-west-2", status: .inactive, tags: [:], creationDate: now, lastModifiedDate: now))
            deps.replicas?.forget()
            #expect(await send("DescribeUserPool", describe, region: "us-west-2") == nil)
            #expect(
                await send("SignUp", #"{"ClientId":"client1","Username":"carol","Password":"Passw0rd!Passw0rd"}"#, region: "us-west-2")
                    == "OperationNotEnabledException")
            let signIn = #"{"ClientId":"client1","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"bob","PASSWORD":"x"}}"#
            #expect(await send("InitiateAuth", signIn, region: "us-west-2") == "OperationNotEnabledException", "INACTIVE")
            try await storage.updateReplica(poolID: pool, region: "us-west-2") { $0.status = .active }
            deps.replicas?.forget()
            #expect(await send("InitiateAuth", signIn, region: "us-west-2") != "OperationNotEnabledException", "ACTIVE")
            #expect(await send("InitiateAuth", signIn, region: "us-east-1") != "OperationNotEnabledException", "the primary")
            let shared = #"{"UserPoolId":"\#(pool)","UserPoolTier":"PLUS"}"#
            #expect(await send("UpdateUserPool", shared, region: "us-west-2") == "InvalidParameterException", "the primary's setting")
            let regional = #"{"UserPoolId":"\#(pool)","LambdaConfig":{"PreSignUp":"arn:aws:lambda:us-west-2:000000000000:function:f"}}"#
            #expect(await send("UpdateUserPool", regional, region: "us-west-2") == nil)
            #expect(try await storage.replicas(poolID: pool).first?.lambdaConfig?.preSignUp?.hasSuffix(":f") == true)
            #expect(try await storage.userPool(id: pool).settings.lambdaConfig?.preSignUp == nil, "the primary's untouched")
            #expect(await send("DeleteUserPool", describe, region: "us-west-2") == "OperationNotEnabledException")
            #expect(await send("DeleteUserPool", describe, region: "eu-west-1") != "OperationNotEnabledException", "no replica there")
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    /// A pool of us-east-1 with no replica yet.
    static func replicatedPool(_ storage: SQLStorage) async throws -> String {
        let now = Date()
        try await storage.createUserPool(
            UserPool(
                id: "us-east-1_Replicated", name: "p", arn: "arn", creationDate: now, lastModifiedDate: now, settings: UserPoolSettings(), schema: [],
                tags: [:]))
        return "us-east-1_Replicated"
    }

    @Test func theManagedLoginOfASecondaryRegionSignsInOnlyWhileActiveAndNeverSignsUp() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let configuration = ServiceConfiguration(defaultRegion: "us-west-2")
        let deps = ServiceDependencies(storage: storage, configuration: configuration, logger: logger)
        let app = try CognateApp.build(configuration: AppConfiguration(), dependencies: deps, logger: logger)
        do {
            let now = Date()
            let pool = try await Self.replicatedPool(storage)
            var settings = UserPoolClientType(userPoolId: pool, clientName: "web", clientId: "web1")
            settings.allowedOAuthFlows = [.code]
            settings.allowedOAuthFlowsUserPoolClient = true
            settings.allowedOAuthScopes = ["openid"]
            settings.callbackURLs = ["https://app.example.com/cb"]
            try await storage.createAppClient(AppClient(poolID: pool, clientID: "web1", settings: settings, secrets: []))
            try await storage.createReplica(
                UserPoolReplica(poolID: pool, region: "us-west-2", status: .inactive, tags: [:], creationDate: now, lastModifiedDate: now))
            let query = "client_id=web1&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb"
            try await app.test(.router) { client in
                try await client.execute(uri: "/oauth2/authorize?" + query, method: .get) { response in
                    #expect(response.status == .serviceUnavailable && String(buffer: response.body).contains("INACTIVE"))
                }
                try await storage.updateReplica(poolID: pool, region: "us-west-2") { $0.status = .active }
                deps.replicas?.forget()
                try await client.execute(uri: "/login?" + query, method: .get) { response in
                    #expect(response.status == .ok)
                    let page = String(buffer: response.body)
                    #expect(page.contains("signInSubmitButton") && !page.contains("/signup?"), "no sign-up in a secondary Region")
                }
            }
            // The pages' own operations are held to the secondary's rule too.
            let login = ManagedLogin(deps)
            guard
                case .success(let authorize) = try await login.check([
                    "client_id": "web1", "response_type": "code", "redirect_uri": "https://app.example.com/cb",
                ])
            else {
                Issue.record("the authorize request was refused")
                return
            }
            #expect(authorize.replica?.region == "us-west-2" && !login.allowsSignUp(authorize))
            guard case .failure(let signUp) = try await login.signUp(authorize, username: "bob", password: "Passw0rd!Passw0rd", email: nil),
                case .failure(let recovery) = try await login.forgotPassword(authorize, username: "bob")
            else {
                Issue.record("sign-up or password recovery went through in a secondary Region")
                return
            }
            #expect(signUp.message.contains("us-east-1") && recovery.message.contains("us-east-1"))
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
