import CognateCrypto
import Foundation
import Testing

/// RS256 signing, verification and the JWK of a key.
@Suite struct TokenSignerTests {
    @Test func signsVerifiesAndPublishes() throws {
        let generated = try TokenSigner.generateKey()
        let signer = try TokenSigner(privateKeyPEM: generated.pem, kid: generated.kid)
        let token = try signer.sign(payload: Data(#"{"sub":"abc"}"#.utf8))
        let parts = try #require(JWTParts(token))
        #expect(parts.kid == generated.kid && parts.alg == "RS256")
        #expect(String(decoding: parts.payload, as: UTF8.self) == #"{"sub":"abc"}"#)
        #expect(signer.isValidSignature(parts.signature, for: parts.signingInput))
        var tampered = parts.signingInput
        tampered.removeLast()
        #expect(!signer.isValidSignature(parts.signature, for: tampered))
        let jwk = try signer.jwk()
        #expect(jwk["kty"] == "RSA" && jwk["alg"] == "RS256" && jwk["use"] == "sig" && jwk["kid"] == generated.kid)
        #expect(jwk["e"] == "AQAB")
        #expect(Base64URL.decode(jwk["n"]!)?.count == 256)
        let other = try TokenSigner(privateKeyPEM: try TokenSigner.generateKey().pem, kid: "x")
        #expect(!other.isValidSignature(parts.signature, for: parts.signingInput))
    }

    @Test func malformedTokensDoNotParse() {
        #expect(JWTParts("a.b") == nil)
        #expect(JWTParts("a.b.c.d") == nil)
        #expect(JWTParts("!!.??.**") == nil)
        #expect(JWTParts("") == nil)
    }
}
