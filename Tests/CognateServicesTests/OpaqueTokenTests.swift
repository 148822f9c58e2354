import Testing

@testable import CognateServices

/// Sessions and refresh tokens go on command lines (`aws cognito-idp respond-to-auth-challenge --session …`):
/// none may start with "-", which the AWS CLI would read as an option.
@Suite struct OpaqueTokenTests {
    /// Random bytes that make base64url begin with "-" (0xF8 → "-" then more) and "_" (0xFC).
    struct Fixed: RandomSource {
        let first: UInt8
        func bytes(_ count: Int) -> [UInt8] { [first] + Array(repeating: 0xAB, count: count - 1) }
    }

    @Test func tokensNeverStartWithADash() {
        for first: UInt8 in [0xF8, 0xFC, 0x00, 0x7F] {
            let token = OpaqueToken.make(Fixed(first: first), bytes: 64)
            #expect(token.first?.isLetter == true, "\(token.prefix(4))")
        }
        for _ in 0..<500 {
            #expect(OpaqueToken.make(SystemRandom()).first?.isLetter == true)
        }
    }
}
