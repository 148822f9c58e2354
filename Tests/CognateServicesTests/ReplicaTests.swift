import CognateSQL
import CognateSQLite
import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import Logging
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
        #expect(ReplicaAccess(.describeUserPool) == .administration && ReplicaAccess(.updateUserPool) == .primaryOnly)
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
            let pool = "us-east-1_Replicated"
            try await storage.createUserPool(
                UserPool(
                    id: pool, name: "p", arn: "arn", creationDate: now, lastModifiedDate: now, settings: UserPoolSettings(), schema: [], tags: [:]))
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
            #expect(await send("UpdateUserPool", describe, region: "us-west-2") == "OperationNotEnabledException")
            #expect(await send("UpdateUserPool", describe, region: "eu-west-1") != "OperationNotEnabledException", "no replica there")
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }
}
