import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Crypto
import Foundation
import Logging
import Testing

/// Secrets are sealed in the database and opened only with the key.
@Suite struct SealedSecretsTests {
    static let date = Date(timeIntervalSinceReferenceDate: 800_000_000)

    static func client(secret: String) -> AppClient {
        AppClient(
            poolID: "us-east-1_S", clientID: "client1", settings: .init(userPoolId: "us-east-1_S", clientName: "c", clientId: "client1"),
            secrets: [ClientSecret(id: "s1", value: secret, creationDate: date)])
    }

    static let pool = UserPool(
        id: "us-east-1_S", name: "s", arn: "arn", creationDate: date, lastModifiedDate: date, settings: .init(), schema: [], tags: [:])

    static func user(totp: String) -> User {
        var user = User(
            poolID: "us-east-1_S", username: "u", usernameKey: "u", sub: "sub", attributes: [], status: "CONFIRMED", enabled: true,
            creationDate: date, lastModifiedDate: date)
        var mfa = UserMFA()
        mfa.softwareToken = SoftwareToken(secret: totp, friendlyName: nil, verifiedAt: date)
        mfa.pendingSecret = totp + "PENDING"
        user.mfa = mfa
        return user
    }

    @Test func databaseHoldsNoSecretInClearAndOpensOnlyWithTheKey() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-\(UUID().uuidString)/db.sqlite").path
        let key = SymmetricKey(size: .bits256)
        let secret = "client-secret-" + UUID().uuidString
        let totp = "JBSWY3DPEHPK3PXPSEALEDTOTP"
        let pem = "-----BEGIN PRIVATE KEY-----SEALEDPEM-----END PRIVATE KEY-----"
        do {
            let raw = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"))
            let storage = SealedStorage(raw, sealer: AESGCMSealer(key: key))
            try await storage.createUserPool(Self.pool)
            try await storage.createAppClient(Self.client(secret: secret))
            try await storage.createUser(Self.user(totp: totp))
            _ = try await storage.ensureSigningKey(SigningKey(poolID: "us-east-1_S", kid: "k", privateKeyPEM: pem, createdAt: Self.date))
            #expect(try await storage.appClient(clientID: "client1").secrets.first?.value == secret)
            #expect(try await storage.user(poolID: "us-east-1_S", usernameKey: "u").mfa?.softwareToken?.secret == totp)
            // The backend itself holds the sealed form only.
            #expect(try await raw.appClient(clientID: "client1").secrets.first?.value.hasPrefix("sealed:v1:") == true)
            try await raw.close()
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        for clear in [secret, totp, "SEALEDPEM"] {
            #expect(bytes.range(of: Data(clear.utf8)) == nil, "\(clear) is stored in clear")
        }
        let raw = try await SQLiteStorage.open(.file(path: path), logger: Logger(label: "test"))
        let reopened = SealedStorage(raw, sealer: AESGCMSealer(key: key))
        #expect(try await reopened.signingKeys(poolID: "us-east-1_S").first?.privateKeyPEM == pem)
        #expect(try await reopened.user(poolID: "us-east-1_S", usernameKey: "u").mfa?.pendingSecret == totp + "PENDING")
        let wrongKey = SealedStorage(raw, sealer: AESGCMSealer(key: SymmetricKey(size: .bits256)))
        await #expect(throws: SealingError.self) { try await wrongKey.appClient(clientID: "client1") }
        try await raw.close()
    }

    @Test func valuesStoredBeforeSealingAreReadAndSealedOnTheirNextWrite() async throws {
        let raw = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        do {
            try await raw.createUserPool(Self.pool)
            try await raw.createAppClient(Self.client(secret: "legacy-secret"))
            let storage = SealedStorage(raw, sealer: AESGCMSealer(key: SymmetricKey(size: .bits256)))
            #expect(try await storage.appClient(clientID: "client1").secrets.first?.value == "legacy-secret")
            _ = try await storage.updateAppClient(poolID: "us-east-1_S", clientID: "client1") { _ in }
            #expect(try await raw.appClient(clientID: "client1").secrets.first?.value.hasPrefix("sealed:v1:") == true)
            #expect(try await storage.appClient(clientID: "client1").secrets.first?.value == "legacy-secret")
        } catch {
            try await raw.close()
            throw error
        }
        try await raw.close()
    }

    @Test func sealingIsRandomizedAndTamperingIsDetected() throws {
        let sealer = AESGCMSealer(key: SymmetricKey(size: .bits256))
        let a = try sealer.seal("same")
        let b = try sealer.seal("same")
        #expect(a != b)
        #expect(try sealer.open(a) == "same")
        var tampered = Array(a)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        #expect(throws: SealingError.self) { try sealer.open(String(tampered)) }
        #expect(throws: (any Error).self) { try SecretsKey.parse("too-short", source: "test") }
    }
}
