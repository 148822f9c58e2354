import ArgumentParser
import CognateLambda
import Foundation
import Testing

@testable import Cognate

/// Every setting is read in one place, `Settings.resolve`: the command line over the environment over the
/// config file over the defaults, and the secrets, access keys and AWS credentials with them.
@Suite struct SettingsTests {
    func resolve(_ arguments: [String] = [], _ environment: [String: String] = [:]) async throws -> Settings {
        try await Settings.resolve(try CognateCommand.parse(arguments), environment: environment)
    }

    @Test func defaultsWithoutAnything() async throws {
        let settings = try await resolve()
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 9229)
        #expect(settings.secretsKey == nil)
        #expect(settings.accessKeyId == nil && settings.secretAccessKey == nil)
        #expect(settings.awsCredentials == .placeholder)
    }

    @Test func theCommandLineWinsOverTheEnvironment() async throws {
        let settings = try await resolve(["--port", "9300"], ["COGNATE_PORT": "9400", "COGNATE_REGION": "eu-west-1"])
        #expect(settings.port == 9300)
        #expect(settings.region == "eu-west-1")
    }

    @Test func secretsAndKeysComeFromTheEnvironment() async throws {
        let settings = try await resolve(
            [],
            [
                "COGNATE_SECRETS_KEY": "c2VjcmV0", "COGNATE_ACCESS_KEY_ID": "AKIDLOCAL", "COGNATE_SECRET_ACCESS_KEY": "a-long-enough-secret",
                "AWS_ACCESS_KEY_ID": "AKIDLAMBDA", "AWS_SECRET_ACCESS_KEY": "lambda-secret", "AWS_SESSION_TOKEN": "token",
            ])
        #expect(settings.secretsKey == "c2VjcmV0")
        #expect(settings.accessKeyId == "AKIDLOCAL")
        #expect(settings.secretAccessKey == "a-long-enough-secret")
        #expect(settings.awsCredentials == AWSCredentials(accessKeyID: "AKIDLAMBDA", secretAccessKey: "lambda-secret", sessionToken: "token"))
    }

    @Test func aConfigFileFillsWhatTheEnvironmentLeaves() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-settings-\(UUID().uuidString).json")
        try Data(#"{"port": 9500, "region": "ap-south-1", "secretsKey": "ZmlsZQ=="}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = try await resolve(["--config", file.path], ["COGNATE_REGION": "eu-west-1"])
        #expect(settings.port == 9500)
        #expect(settings.region == "eu-west-1")
        #expect(settings.secretsKey == "ZmlsZQ==")
    }

    @Test func aValueOfTheWrongKindNamesItsSource() async throws {
        await #expect(throws: Settings.Invalid.self) { try await resolve([], ["COGNATE_PORT": "many"]) }
        await #expect(throws: (any Error).self) { try await resolve(["--lambda-endpoint", "ftp://x"]) }
    }

    @Test func environmentNamesFollowTheKeys() {
        #expect(Settings.environmentName("publicUrl") == "COGNATE_PUBLIC_URL")
        #expect(Settings.environmentName("secretsKey") == "COGNATE_SECRETS_KEY")
        #expect(Settings.environmentName("accessKeyId") == "COGNATE_ACCESS_KEY_ID")
    }
}
