import CognateSQL
import CognateSQLite
import CognateStorage
import CognateWire
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import CognateServices

/// Point-in-time recovery's parts: what a restore keeps of the user as they are now, what the preview counts,
/// when a recovery pauses writes, and the operations on a clock the test moves.
@Suite struct PointInTimeRecoveryTests {
    static let point = Date(timeIntervalSince1970: 1_800_000_000)

    static func user(_ name: String) -> User {
        User(
            poolID: "us-east-1_P", username: name, usernameKey: name, sub: "sub-" + name,
            attributes: [UserAttribute(name: "sub", value: "sub-" + name)],
            status: "CONFIRMED", enabled: true, creationDate: point, lastModifiedDate: point,
            password: PasswordCredential(saltHex: "01", verifier: Data([1]), setAt: point.addingTimeInterval(-100)))
    }

    @Test func aRestoreKeepsAPasswordSetAfterThePointAndWhatSignInChanged() {
        var then = Self.user("ann")
        then.setAttribute("name", "Ann")
        then.webAuthnCredentials = [
            WebAuthnCredential(
                credentialID: "k1", publicKey: Data([9]), signCount: 5, relyingPartyID: "example.com", friendlyName: "key",
                authenticatorAttachment: nil,
                transports: [], createdAt: Self.point)
        ]
        var now = then
        now.setAttribute("name", "Mallory")
        now.failedSignIns = 2
        now.devices = []
        now.webAuthnCredentials?[0].signCount = 9
        now.password = PasswordCredential(saltHex: "02", verifier: Data([2]), setAt: Self.point.addingTimeInterval(60))
        now.status = "FORCE_CHANGE_PASSWORD"
        let restored = then.restored(over: now, point: Self.point)
        #expect(restored.attribute("name") == "Ann", "the profile as at the point")
        #expect(restored.password == now.password && restored.status == "FORCE_CHANGE_PASSWORD", "the newer password, and its status")
        #expect(restored.failedSignIns == 2 && restored.devices == [], "sign-in's counters as they are")
        #expect(restored.webAuthnCredentials?[0].signCount == 9, "a passkey's counter never goes back")
        // A password set before the point goes back with the rest.
        var older = now
        older.password = PasswordCredential(saltHex: "03", verifier: Data([3]), setAt: Self.point.addingTimeInterval(-10))
        #expect(then.restored(over: older, point: Self.point).password == then.password)
        #expect(then.restored(over: nil, point: Self.point) == then, "a deleted user comes back whole")
    }

    @Test func thePreviewCountsEachEntityOnce() throws {
        var withTOTP = Self.user("tom")
        var mfa = UserMFA()
        mfa.softwareToken = SoftwareToken(secret: "S", friendlyName: nil, verifiedAt: Self.point)
        mfa.set(.softwareToken, enabled: true)
        withTOTP.mfa = mfa
        var withoutTOTP = withTOTP
        withoutTOTP.mfa?.set(.softwareToken, enabled: false)
        var stepOnly = withTOTP
        stepOnly.mfa?.softwareToken?.lastUsedStep = 42
        #expect(stepOnly.recoverable == withTOTP.recoverable, "the last TOTP step is not user data")
        let entries = [
            RecoveryJournalEntry(kind: .user, key: "tom", before: Data(withTOTP.recordBytes)),
            RecoveryJournalEntry(kind: .user, key: "gone", before: Data(Self.user("gone").recordBytes)),
            RecoveryJournalEntry(kind: .user, key: "new", before: nil),
            RecoveryJournalEntry(kind: .user, key: "same", before: Data(Self.user("same").recordBytes)),
            RecoveryJournalEntry(
                kind: .membership, key: RecoveryJournalEntry.membershipKey(group: "g", user: "gone"), before: RecoveryJournalEntry.member),
            RecoveryJournalEntry(kind: .group, key: "g", before: nil),
        ]
        let plan = try RecoveryPlan(
            entries: entries, point: Self.point,
            users: ["tom": withoutTOTP, "new": Self.user("new"), "same": Self.user("same")],
            groups: ["g": Group(poolID: "us-east-1_P", name: "g", creationDate: Self.point, lastModifiedDate: Self.point)], members: [],
            decodeUser: { try User(recordBytes: [UInt8]($0)) }, decodeGroup: { _ in throw CognitoError(.internalErrorException, "unused") })
        let counts = Dictionary(uniqueKeysWithValues: plan.counts.map { ($0.entity, $0) })
        #expect(counts["Users"] == RecoveryCount(entity: "Users", create: 1, update: 1, delete: 1))
        #expect(counts["User MFAs"] == RecoveryCount(entity: "User MFAs", update: 1))
        #expect(counts["Groups"] == RecoveryCount(entity: "Groups", create: 1, delete: 1), "a membership back, a group made after the point gone")
        #expect(counts["Passkeys"] == RecoveryCount(entity: "Passkeys"))
        #expect(plan.users.map(\.key) == ["tom", "gone", "new"], "a user with nothing to restore is left alone")
    }

    @Test func aRecoveryPausesWritesUntilItEnds() {
        var recovery = PointInTimeRecovery(
            poolID: "p", restoreID: "r", status: .previewGenerated, restoreTimestamp: Self.point, triggerTimestamp: Self.point)
        #expect(recovery.pausesWrites(at: Self.point.addingTimeInterval(3600)))
        #expect(!recovery.pausesWrites(at: Self.point.addingTimeInterval(PointInTimeRecovery.previewLifetime)), "a preview expires after 24 hours")
        recovery.status = .restoring
        #expect(recovery.pausesWrites(at: Self.point.addingTimeInterval(10 * 86_400)) && recovery.writesPausedUntil == .distantFuture)
        for ended in [PointInTimeRecovery.Status.previewCancelled, .previewExpired, .previewGenerationFailed, .restoreCompleted] {
            recovery.status = ended
            #expect(recovery.writesPausedUntil == nil)
        }
    }

    final class TestClock: CognateServices.Clock {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test func workALostNodeLeftIsFinishedByTheNextRead() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let clock = TestClock()
        let deps = ServiceDependencies(storage: storage, clock: clock, logger: logger)
        let service = PointInTimeRecoveryService(deps)
        do {
            let start = clock.now()
            try await storage.createUserPool(
                UserPool(
                    id: "us-east-1_Lost", name: "p", arn: "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Lost", creationDate: start,
                    lastModifiedDate: start, settings: UserPoolSettings(), schema: [], tags: [:]))
            var user = Self.user("ann")
            user.poolID = "us-east-1_Lost"
            try await storage.createUser(user)
            clock.advance(1200)
            try await storage.deleteUser(poolID: "us-east-1_Lost", usernameKey: "ann")
            // A node recorded a preview to count, and stopped before counting it.
            let lost = PointInTimeRecovery(
                poolID: "us-east-1_Lost", restoreID: "00000000-0000-4000-8000-000000000001", status: .previewGenerating,
                restoreTimestamp: start.addingTimeInterval(60), triggerTimestamp: clock.now())
            try await storage.createRecovery(lost)
            #expect(try await service.settle(lost).status == .previewGenerating, "within 30 seconds the work may still be running")
            clock.advance(31)
            let counted = try await service.settle(try await storage.recovery(poolID: lost.poolID, restoreID: lost.restoreID))
            #expect(counted.status == .previewGenerated && counted.preview?.first == RecoveryCount(entity: "Users", create: 1))
            // Then it was started, and the node stopped before restoring.
            let restoring = try await storage.updateRecovery(poolID: lost.poolID, restoreID: lost.restoreID) {
                $0.status = .restoring
                $0.startedAt = clock.now()
            }
            clock.advance(31)
            #expect(try await service.settle(restoring).status == .restoreCompleted)
            #expect(try await storage.user(poolID: "us-east-1_Lost", usernameKey: "ann").sub == "sub-ann")
        }
        try await storage.close()
    }

    @Test func theOperationsOnAClockTheTestMoves() async throws {
        let logger = Logger(label: "test")
        let storage = try await SQLiteStorage.open(.memory, logger: logger)
        let clock = TestClock()
        let deps = ServiceDependencies(storage: storage, clock: clock, logger: logger)
        let table = Services.operationTable(deps)
        func send(_ operation: String, _ body: [String: Any]) async throws -> (ErrorCode?, [String: Any]) {
            let answer = await table.dispatch(
                target: "AWSCognitoIdentityProviderService.\(operation)", body: try JSONSerialization.data(withJSONObject: body),
                context: OperationContext(region: "us-east-1", requestID: "r", iamAuthorized: true), logger: logger)
            return (answer.errorCode, (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]) ?? [:])
        }
        do {
            let (_, created) = try await send("CreateUserPool", ["PoolName": "p", "UserPoolTier": "ESSENTIALS"])
            let poolID = try #require((created["UserPool"] as? [String: Any])?["Id"] as? String)
            for name in ["a", "b"] {
                #expect(try await send("AdminCreateUser", ["UserPoolId": poolID, "Username": name, "MessageAction": "SUPPRESS"]).0 == nil)
            }
            clock.advance(1200)
            #expect(try await send("AdminDeleteUser", ["UserPoolId": poolID, "Username": "a"]).0 == nil)
            let now = clock.now().timeIntervalSince1970
            #expect(
                try await send("InitiatePointInTimeRecovery", ["UserPoolId": poolID, "RestoreTimestamp": now - 600]).0 == .invalidParameterException)
            let (error, initiated) = try await send("InitiatePointInTimeRecovery", ["UserPoolId": poolID, "RestoreTimestamp": now - 960])
            #expect(error == nil)
            let restoreID = try #require((initiated["Restoration"] as? [String: Any])?["RestoreId"] as? String)
            /// The recovery's status once it is `wanted`, or the last one read after two seconds.
            func status(becoming wanted: String) async throws -> String {
                var status = ""
                for _ in 0..<200 {
                    let (_, described) = try await send("DescribePointInTimeRecovery", ["UserPoolId": poolID, "RestoreId": restoreID])
                    status = (described["Restoration"] as? [String: Any])?["RestoreStatus"] as? String ?? ""
                    if status == wanted { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return status
            }
            #expect(try await status(becoming: "PREVIEW_GENERATED") == "PREVIEW_GENERATED")
            #expect(
                try await send("AdminCreateUser", ["UserPoolId": poolID, "Username": "c", "MessageAction": "SUPPRESS"]).0
                    == .operationNotEnabledException)
            #expect(try await send("StartPointInTimeRecovery", ["UserPoolId": poolID, "RestoreId": restoreID]).0 == nil)
            #expect(try await status(becoming: "RESTORE_COMPLETED") == "RESTORE_COMPLETED")
            #expect(try await send("AdminGetUser", ["UserPoolId": poolID, "Username": "a"]).0 == nil, "the deleted user is back")
            #expect(
                try await send("AdminCreateUser", ["UserPoolId": poolID, "Username": "c", "MessageAction": "SUPPRESS"]).0 == nil, "writes resume")
        }
        try await storage.close()
    }
}
