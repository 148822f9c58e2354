import CognateServices
import Testing

@testable import Cognate

/// Seed files: every key is checked before anything is applied, and an error names the file and the line.
@Suite struct SeedFileTests {
    func refusal(_ text: String) throws -> String? {
        do {
            try SeedKeys.check(try SeedFile.parse(text, file: "seed.yaml"))
            return nil
        } catch let error as SeedError {
            return error.description
        }
    }

    @Test func theExampleShapesPass() throws {
        let text = """
            pools:
              - Id: us-east-1_Example1
                PoolName: example
                Policies: {PasswordPolicy: {MinimumLength: 8}}
                MfaConfig: {MfaConfiguration: OPTIONAL, SoftwareTokenMfaConfiguration: {Enabled: true}}
                Clients: [{ClientName: web, ClientId: exampleclient1, ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]}]
                Groups: [{GroupName: admins, Precedence: 1}]
                ResourceServers: [{Identifier: orders, Name: Orders, Scopes: [{ScopeName: read, ScopeDescription: Read}]}]
                Domains: [{Domain: example-auth}]
                Users: [{Username: alice, Password: Passw0rd!, Attributes: {email: a@example.com}, Groups: [admins], Mfa: {Sms: true}}]
            """
        #expect(try refusal(text) == nil)
    }

    @Test func aMisspeltKeyIsNamedWithItsLine() throws {
        let pool = "pools:\n  - Id: us-east-1_Bad1\n    PoolName: bad\n"
        #expect(try refusal(pool + "    Userz:\n      - Username: u\n")?.hasPrefix("seed.yaml:4: pools[0]: Userz is not a key here") == true)
        #expect(
            try refusal(pool + "    Clients:\n      - ClientName: web\n        ClientId: c1\n        CallbackUrls: [x]\n")?
                .hasPrefix("seed.yaml:7: pools[0].Clients[0]: CallbackUrls is not a key here (CreateUserPoolClient has no such member)") == true)
        #expect(
            try refusal(pool + "    Users:\n      - Username: u\n        Pasword: x\n")?.contains("6: pools[0].Users[0]: Pasword is not a user field")
                == true)
        // A value of the wrong type is the operation's to name, not a spelling mistake.
        #expect(try refusal(pool + "    Groups:\n      - GroupName: g\n        Precedence: first\n") == nil)
    }
}
