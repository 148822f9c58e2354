import CognateCrypto
import Foundation
import Testing

@Suite struct Base64URLTests {
    /// Foundation's base64 with the URL alphabet and no padding: the reference.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func matchesFoundationAtEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded == Self.reference(bytes), "length \(length)")
            #expect(Base64URL.decode(encoded) == Data(bytes), "length \(length)")
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test func decodingRefusesWhatIsNotBase64URL() {
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab+c") == nil)
        #expect(Base64URL.decode("ab/c") == nil)
        #expect(Base64URL.decode("ab c") == nil)
        #expect(Base64URL.decode("a=bc") == nil)
        #expect(Base64URL.decode("") == Data())
        #expect(Base64URL.decode("YQ==") == Data("a".utf8), "padding is tolerated")
        #expect(Base64URL.decode("YWI") == Data("ab".utf8))
    }
}
