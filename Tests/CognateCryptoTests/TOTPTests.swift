import Foundation
import Testing

@testable import CognateCrypto

/// TOTP against RFC 6238's SHA-1 vectors (six digits: the last six of the RFC's eight), and base32
/// against RFC 4648's.
@Suite struct TOTPTests {
    static let secret = Array("12345678901234567890".utf8)

    @Test(arguments: [
        (59.0, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
        (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfc6238Vectors(time: Double, code: String) {
        let date = Date(timeIntervalSince1970: time)
        #expect(TOTP.code(secret: Self.secret, step: TOTP.step(at: date)) == code)
        #expect(TOTP.matchingStep(code, secret: Self.secret, at: date) == TOTP.step(at: date))
    }

    @Test func oneStepOfDriftEitherSide() {
        let date = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.step(at: date)
        let previous = TOTP.code(secret: Self.secret, step: step - 1)
        let next = TOTP.code(secret: Self.secret, step: step + 1)
        #expect(TOTP.matchingStep(previous, secret: Self.secret, at: date) == step - 1)
        #expect(TOTP.matchingStep(next, secret: Self.secret, at: date) == step + 1)
        #expect(TOTP.matchingStep(TOTP.code(secret: Self.secret, step: step - 2), secret: Self.secret, at: date) == nil)
        #expect(TOTP.matchingStep(TOTP.code(secret: Self.secret, step: step + 2), secret: Self.secret, at: date) == nil)
        #expect(TOTP.matchingStep("12345", secret: Self.secret, at: date) == nil)
    }

    @Test(arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ])
    func base32Vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased() + "======") == Array(plain.utf8))
    }

    @Test func base32RefusesOtherCharacters() {
        #expect(Base32.decode("MZ1W") == nil)
        #expect(Base32.decode("MZ-W") == nil)
    }
}
