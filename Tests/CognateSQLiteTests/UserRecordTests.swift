import CognateStorage
import CognitoModel
import Foundation
import Logging
import SQLKit
import Testing

@testable import CognateSQL
@testable import CognateSQLite

/// The binary record form users are stored in: every field round-trips, damage is an error (never a
/// crash), and rows written as JSON by earlier versions are still read.
@Suite struct UserRecordTests {
    static let date = Date(timeIntervalSinceReferenceDate: 786_000_000.123_456)

    /// A user with every optional member set and every list non-empty, all values distinct.
    static func fullUser() -> User {
        var user = User(
            poolID: "us-east-1_Full", username: "Ünïcode 🙂", usernameKey: "ünïcode 🙂", sub: "sub-1",
            attributes: [UserAttribute(name: "sub", value: "sub-1"), UserAttribute(name: "email", value: "a@example.com")],
            status: "CONFIRMED", enabled: true, creationDate: date, lastModifiedDate: date.addingTimeInterval(1),
            password: PasswordCredential(saltHex: "abc123", verifier: Data((0..<384).map { UInt8($0 % 256) }), setAt: date.addingTimeInterval(2)),
            temporaryPasswordExpiry: date.addingTimeInterval(3), aliasKeys: ["email:a@example.com", "preferred:x"])
        user.passwordHistory = [PasswordCredential(saltHex: "0f", verifier: Data([1, 2]), setAt: date.addingTimeInterval(-5))]
        user.failedSignIns = -3
        user.lastFailedSignIn = date.addingTimeInterval(4)
        user.nextSignInRisk = .medium
        user.regionalSignInFailures = [RegionalSignInFailures(region: "us-west-2", count: 4, last: date.addingTimeInterval(7))]
        user.codes = [
            "signup": PendingCode(hash: "h1", expiresAt: date.addingTimeInterval(5), attribute: "email", failedAttempts: 2),
            "forgot-password": PendingCode(hash: "h2", expiresAt: date.addingTimeInterval(6), attribute: "phone_number", failedAttempts: 0),
        ]
        var mfa = UserMFA()
        mfa.smsEnabled = true
        mfa.softwareTokenEnabled = true
        mfa.emailEnabled = false
        mfa.preferred = .softwareToken
        var token = SoftwareToken(secret: "JBSWY3DPEHPK3PXP", friendlyName: "phone", verifiedAt: date.addingTimeInterval(7))
        token.lastUsedStep = Int64.max
        mfa.softwareToken = token
        mfa.pendingSecret = "PENDING"
        user.mfa = mfa
        var device = Device(key: "us-east-1_dev", groupKey: "group", createdAt: date.addingTimeInterval(8))
        device.name = "laptop"
        device.saltHex = "ff00"
        device.verifier = Data([9, 8, 7])
        device.remembered = true
        device.lastModifiedAt = date.addingTimeInterval(9)
        device.lastAuthenticatedAt = date.addingTimeInterval(10)
        user.devices = [device]
        var credential = WebAuthnCredential(
            credentialID: "cred", publicKey: Data([0xA5, 1, 2]), signCount: UInt32.max, relyingPartyID: "example.com",
            friendlyName: "key", authenticatorAttachment: "platform", transports: ["usb", "nfc"], createdAt: date.addingTimeInterval(11))
        credential.lastUsedAt = date.addingTimeInterval(12)
        user.webAuthnCredentials = [credential]
        user.pendingWebAuthnRegistration = PendingWebAuthnRegistration(challenge: "ch", clientID: "client", expiresAt: date.addingTimeInterval(13))
        user.codeThrottle = CodeThrottle(sends: [date.addingTimeInterval(14)], failures: [date.addingTimeInterval(15), date])
        user.linkedIdentities = [LinkedIdentity(providerName: "Google", attributeName: "Cognito_Subject", value: "1170", linkedAt: date)]
        return user
    }

    /// Paths of optionals that are nil and lists or maps that are empty, anywhere in `value`.
    static func unset(_ value: Any, path: String = "") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return unset(wrapped, path: path)
        }
        if mirror.displayStyle == .collection || mirror.displayStyle == .dictionary {
            if mirror.children.isEmpty { return [path] }
        }
        if value is String || value is Data || value is Date { return [] }
        return mirror.children.flatMap { child in unset(child.value, path: path + "." + (child.label ?? "[]")) }
    }

    /// The fixture sets every field, so a field the record form leaves out fails the round trip.
    @Test func fixtureSetsEveryField() {
        #expect(Self.unset(Self.fullUser()) == [])
    }

    @Test func everyFieldRoundTrips() throws {
        let user = Self.fullUser()
        let bytes = user.recordBytes
        #expect(bytes.first == User.recordFormat)
        #expect(try User(recordBytes: bytes) == user)
        // Equal users give equal bytes (codes are written sorted).
        #expect(try User(recordBytes: bytes).recordBytes == bytes)
        let bare = User(
            poolID: "p", username: "u", usernameKey: "u", sub: "s", attributes: [], status: "UNCONFIRMED", enabled: false,
            creationDate: Self.date, lastModifiedDate: Self.date)
        #expect(try User(recordBytes: bare.recordBytes) == bare)
    }

    @Test func olderRecordsAreReadWithoutTheNewerFields() throws {
        var user = Self.fullUser()
        user.regionalSignInFailures = nil
        // A format 4 record is the format 5 layout without the last field (an absent optional is one byte).
        let formatFour = [4] + user.recordBytes.dropFirst().dropLast()
        #expect(try User(recordBytes: formatFour) == user)
        user.nextSignInRisk = nil
        let formatThree = [3] + user.recordBytes.dropFirst().dropLast(2)
        #expect(try User(recordBytes: formatThree) == user)
        user.linkedIdentities = nil
        let formatTwo = [2] + user.recordBytes.dropFirst().dropLast(3)
        #expect(try User(recordBytes: formatTwo) == user)
        user.codeThrottle = nil
        let formatOne = [1] + user.recordBytes.dropFirst().dropLast(4)
        #expect(try User(recordBytes: formatOne) == user)
    }

    @Test func damagedRecordsAreErrors() {
        let bytes = Self.fullUser().recordBytes
        for length in 0..<bytes.count {
            #expect(throws: RecordError.self) { try User(recordBytes: bytes.prefix(length)) }
        }
        #expect(throws: RecordError.self) { try User(recordBytes: bytes + [0]) }
        #expect(throws: RecordError.self) { try User(recordBytes: [User.recordFormat &+ 1] + bytes.dropFirst()) }
        // A count far beyond the record does not make the reader reserve memory for it.
        #expect(throws: RecordError.self) {
            try User(recordBytes: [User.recordFormat] + [1, 0x70, 1, 0x75, 1, 0x75, 1, 0x73] + [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        }
    }

    @Test func varintsAndZigzagAtTheLimits() throws {
        for value: Int64 in [0, 1, -1, 63, -64, 64, 1 << 40, -(1 << 40), .max, .min] {
            var writer = RecordWriter()
            writer.write(value)
            var reader = RecordReader(writer.bytes)
            #expect(try reader.read(Int64.self) == value)
            #expect(reader.isAtEnd)
        }
        var reader = RecordReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(throws: RecordError.self) { try reader.read(UInt64.self) }
    }

    /// A user's status is typed (`UserStatusType`) but stored as it always was: its text, in the JSON form of
    /// earlier versions as in the binary one (issue 27).
    @Test func theStatusIsStoredAsItsText() throws {
        var user = Self.fullUser()
        user.status = .forceChangePassword
        let json = String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
        #expect(json.contains(#""status":"FORCE_CHANGE_PASSWORD""#))
        let old = json.replacingOccurrences(of: #""status":"FORCE_CHANGE_PASSWORD""#, with: #""status":"RESET_REQUIRED""#)
        #expect(try JSONDecoder().decode(User.self, from: Data(old.utf8)).status == .resetRequired)
    }

    /// A database written before the binary form holds users as JSON text: they are still read, and
    /// the next write stores them in the binary form.
    @Test func jsonRowsFromEarlierVersionsAreRead() async throws {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"), cachedUsers: 0)
        let pool = UserPool(
            id: "us-east-1_Old", name: "old", arn: "arn:aws:cognito-idp:us-east-1:0:userpool/us-east-1_Old",
            creationDate: Self.date, lastModifiedDate: Self.date, settings: UserPoolSettings(), schema: [], tags: [:])
        try await storage.createUserPool(pool)
        var user = Self.fullUser()
        user.poolID = pool.id
        try await storage.createUser(user)
        let json = String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
        try await (storage.engine as! SQLiteEngine).database.raw("UPDATE users SET data = \(bind: json) WHERE sub = \(bind: user.sub)").run()
        let kind = try await (storage.engine as! SQLiteEngine).database.raw("SELECT typeof(data) AS kind FROM users").first(
            decodingColumn: "kind", as: String.self)
        #expect(kind == "text")

        #expect(try await storage.user(poolID: pool.id, usernameKey: user.usernameKey) == user)
        #expect(try await storage.listUsers(poolID: pool.id, filter: nil, PageRequest(limit: 10)).items == [user])
        let updated = try await storage.updateUser(poolID: pool.id, usernameKey: user.usernameKey) { $0.status = "RESET_REQUIRED" }
        let after = try await (storage.engine as! SQLiteEngine).database.raw("SELECT typeof(data) AS kind FROM users").first(
            decodingColumn: "kind", as: String.self)
        #expect(after == "blob")
        #expect(try await storage.user(poolID: pool.id, usernameKey: user.usernameKey) == updated)
        try await storage.close()
    }
}
