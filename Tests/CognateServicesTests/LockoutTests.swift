import CognateSQL
import CognateSQLite
import CognateStorage
import CognitoModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import CognateServices

/// A clock the test moves by hand.
final class TestClock: Clock, Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The lockout back-off after failed sign-ins: free for 5 failures, then 2^(n−5) seconds, capped.
@Suite struct LockoutTests {
    func policy(_ clock: TestClock) async throws -> (SignInPolicy, SQLStorage) {
        let storage = try await SQLiteStorage.open(.memory, logger: Logger(label: "test"))
        return (SignInPolicy(deps: ServiceDependencies(storage: storage, clock: clock, logger: Logger(label: "test"))), storage)
    }

    func user(failures: Int, at date: Date) -> User {
        var user = User(
            poolID: "p", username: "u", usernameKey: "u", sub: "s", attributes: [], status: "CONFIRMED",
            enabled: true, creationDate: date, lastModifiedDate: date)
        user.failedSignIns = failures
        user.lastFailedSignIn = date
        return user
    }

    @Test func backOffGrowsAndIsCapped() async throws {
        let clock = TestClock()
        let (policy, storage) = try await policy(clock)
        #expect(policy.lockout(user(failures: 4, at: clock.now())) == nil)
        #expect(policy.lockout(user(failures: 5, at: clock.now())) == 1)
        #expect(policy.lockout(user(failures: 10, at: clock.now())) == 32)
        #expect(policy.lockout(user(failures: 40, at: clock.now())) == 900)
        let locked = user(failures: 6, at: clock.now())
        clock.advance(1.5)
        #expect(policy.lockout(locked) == 0.5)
        clock.advance(0.6)
        #expect(policy.lockout(locked) == nil)
        try await storage.close()
    }

    @Test func temporaryPasswordExpires() async throws {
        let clock = TestClock()
        let (policy, storage) = try await policy(clock)
        var temporary = user(failures: 0, at: clock.now())
        temporary.status = "FORCE_CHANGE_PASSWORD"
        temporary.temporaryPasswordExpiry = clock.now().addingTimeInterval(7 * 86_400)
        #expect(throws: Never.self) { try policy.checkState(temporary) }
        clock.advance(7 * 86_400 + 1)
        #expect(throws: CognitoError(.notAuthorizedException, "Temporary password has expired and must be reset by an administrator.")) {
            try policy.checkState(temporary)
        }
        try await storage.close()
    }
}
