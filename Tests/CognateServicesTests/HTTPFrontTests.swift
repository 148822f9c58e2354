import CognateHTTP
import CognateSQL
import CognateSQLite
import CognateServices
import CognateWire
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The HTTP front answers every request, good or bad, with an AWS-shaped response.
@Suite struct HTTPFrontTests {
    static let target = HTTPField.Name("X-Amz-Target")!

    func withApp(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let app = try CognateApp.build(
            configuration: AppConfiguration(maxBodySize: 4096), dependencies: ServiceDependencies(storage: storage, logger: logger), logger: logger
        )
        do {
            try await app.test(.router) { client in try await test(client) }
        } catch {
            try await storage.close()
            throw error
        }
        try await storage.close()
    }

    func call(_ client: any TestClientProtocol, _ op: String?, _ body: String) async throws -> (Int, [String: Any], HTTPFields) {
        var headers: HTTPFields = [.contentType: "application/x-amz-json-1.1"]
        if let op { headers[Self.target] = "AWSCognitoIdentityProviderService.\(op)" }
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json, response.headers)
        }
    }

    @Test func createAndDescribeAPool() async throws {
        try await withApp { client in
            let (status, created, headers) = try await call(client, "CreateUserPool", #"{"PoolName":"p"}"#)
            #expect(status == 200)
            #expect(headers[HTTPField.Name("x-amzn-RequestId")!] != nil)
            let id = ((created["UserPool"] as? [String: Any])?["Id"] as? String) ?? ""
            #expect(id.hasPrefix("us-east-1_"))
            let (s2, described, _) = try await call(client, "DescribeUserPool", #"{"UserPoolId":"\#(id)"}"#)
            #expect(s2 == 200)
            #expect((described["UserPool"] as? [String: Any])?["Name"] as? String == "p")
        }
    }

    @Test func unknownAndMissingTargets() async throws {
        try await withApp { client in
            let (s1, b1, _) = try await call(client, "NoSuchOperation", "{}")
            #expect(s1 == 400 && b1["__type"] as? String == "UnknownOperationException")
            let (s2, b2, _) = try await call(client, nil, "{}")
            #expect(s2 == 400 && b2["__type"] as? String == "UnknownOperationException")
        }
    }

    @Test func everyOperationOfTheModelIsImplemented() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let implemented = Services.operationTable(ServiceDependencies(storage: storage, logger: logger)).implemented
        try await storage.close()
        #expect(CognitoOperation.allCases.filter { !implemented.contains($0) }.isEmpty)
    }

    @Test func anOperationWithoutAHandlerNamesItself() async throws {
        // What an operation of a newer model answers until it is implemented: a table without its handler.
        let answer = await OperationTable().dispatch(
            target: "AWSCognitoIdentityProviderService.AdminGetUser", body: Data(#"{"UserPoolId":"us-east-1_abc","Username":"u"}"#.utf8),
            context: OperationContext(region: "us-east-1", requestID: "r"), logger: Logger(label: "test"))
        let body = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        #expect(answer.status == 400 && answer.errorCode == .unsupportedOperationException)
        #expect((body?["message"] as? String)?.contains("AdminGetUser") == true)
    }

    @Test func malformedJSON() async throws {
        try await withApp { client in
            let (status, body, _) = try await call(client, "ListUserPools", "{\"MaxResults\": ")
            #expect(status == 400 && body["__type"] as? String == "SerializationException")
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withApp { client in
            let big = #"{"PoolName":""# + String(repeating: "a", count: 10_000) + #""}"#
            let (status, body, _) = try await call(client, "CreateUserPool", big)
            #expect(status == 413 && body["__type"] as? String == "RequestEntityTooLargeException")
        }
    }

    @Test func wrongPathAndMethodAreClear4xx() async throws {
        try await withApp { client in
            try await client.execute(uri: "/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect((json?["message"] as? String)?.contains("/nothing-here") == true)
            }
            // The API is POST /: another method there is refused.
            try await client.execute(uri: "/", method: .put) { response in
                #expect((400..<500).contains(Int(response.status.code)))
            }
        }
    }

    @Test func aBrowserAtTheAddressFindsTheConsoleAndTheEndpoints() async throws {
        try await withApp { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                let page = String(buffer: response.body)
                #expect(page.contains("<h1>Cognate</h1>"))
                #expect(page.contains("href=\"/_cognate/console\"") || page.contains("The console"))
                #expect(page.contains("/.well-known/openid-configuration"))
            }
        }
    }

    @Test func resetWipesState() async throws {
        try await withApp { client in
            _ = try await call(client, "CreateUserPool", #"{"PoolName":"p"}"#)
            try await client.execute(uri: "/moto-api/reset", method: .post) { #expect($0.status == .ok) }
            let (_, listed, _) = try await call(client, "ListUserPools", #"{"MaxResults":10}"#)
            #expect((listed["UserPools"] as? [Any])?.isEmpty == true)
        }
    }
}
