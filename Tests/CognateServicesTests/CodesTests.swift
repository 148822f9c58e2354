import CognateStorage
import CognitoModel
import Foundation
import Testing

@testable import CognateServices

/// One-time codes: the right code within its lifetime passes once; a wrong one, an old one, and any code
/// after five wrong ones are refused.
@Suite struct CodesTests {
    func user(with code: String, purpose: String, expiresAt: Date) -> User {
        var user = User(
            poolID: "p", username: "u", usernameKey: "u", sub: "s", attributes: [], status: "UNCONFIRMED",
            enabled: true, creationDate: expiresAt, lastModifiedDate: expiresAt)
        user.codes = [purpose: PendingCode(hash: Codes.hash(code), expiresAt: expiresAt, attribute: "email")]
        return user
    }

    @Test func lifetimesAreAWSs() {
        #expect(Codes.lifetime(Codes.signUp) == 86_400)
        #expect(Codes.lifetime(Codes.verify("email")) == 86_400)
        #expect(Codes.lifetime(Codes.forgotPassword) == 3_600)
    }

    @Test func rightWrongAndExpired() throws {
        let clock = TestClock()
        let u = user(with: "123456", purpose: Codes.signUp, expiresAt: clock.now().addingTimeInterval(Codes.lifetime(Codes.signUp)))
        #expect(try Codes.matching("123456", purpose: Codes.signUp, user: u, now: clock.now()).attribute == "email")
        #expect(throws: CognitoError(.codeMismatchException, "Invalid verification code provided, please try again.")) {
            try Codes.matching("654321", purpose: Codes.signUp, user: u, now: clock.now())
        }
        #expect(throws: CognitoError.self) { try Codes.matching("123456", purpose: Codes.forgotPassword, user: u, now: clock.now()) }
        clock.advance(86_401)
        #expect(throws: CognitoError(.expiredCodeException, "Invalid code provided, please request a code again.")) {
            try Codes.matching("123456", purpose: Codes.signUp, user: u, now: clock.now())
        }
    }

    @Test func fiveWrongCodesExhaustTheCode() throws {
        let clock = TestClock()
        var u = user(with: "123456", purpose: Codes.forgotPassword, expiresAt: clock.now().addingTimeInterval(3_600))
        u.codes?[Codes.forgotPassword]?.failedAttempts = Codes.attemptLimit - 1
        #expect(try Codes.matching("123456", purpose: Codes.forgotPassword, user: u, now: clock.now()).attribute == "email")
        u.codes?[Codes.forgotPassword]?.failedAttempts = Codes.attemptLimit
        #expect(throws: CognitoError(.limitExceededException, "Attempt limit exceeded, please try after some time.")) {
            try Codes.matching("123456", purpose: Codes.forgotPassword, user: u, now: clock.now())
        }
    }

    @Test func consumingRemovesTheCode() throws {
        let clock = TestClock()
        var u = user(with: "123456", purpose: Codes.signUp, expiresAt: clock.now().addingTimeInterval(60))
        #expect(throws: CognitoError.self) { try Codes.consume("111111", purpose: Codes.signUp, from: &u, now: clock.now()) }
        #expect(u.codes?[Codes.signUp] != nil)
        _ = try Codes.consume("123456", purpose: Codes.signUp, from: &u, now: clock.now())
        #expect(u.codes?[Codes.signUp] == nil)
        #expect(throws: CognitoError.self) { try Codes.consume("123456", purpose: Codes.signUp, from: &u, now: clock.now()) }
    }

    @Test func codesAreSixDigits() {
        for _ in 0..<50 {
            let code = Codes.generate(SystemRandom())
            #expect(code.count == 6 && code.allSatisfy(\.isASCIIDigit))
        }
    }

    @Test func destinationsAreMasked() {
        #expect(Codes.mask("sam@example.com", medium: .email) == "s***@e***")
        #expect(Codes.mask("+15555550100", medium: .sms) == "+*******0100")
    }
}
