import CognateSAML
import Foundation
import Testing

@Suite struct SAMLResponseCheckTests {
    @Test func aResponseSignedByTheProviderIsTaken() throws {
        let assertion = try Fixture.check().check(Fixture.bytes("signed-response.xml"))
        #expect(assertion.nameID == "fixture-user")
        #expect(assertion.issuer == "https://idp.example.test/metadata")
        #expect(assertion.nameIDFormat == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
        let xml = Fixture.text("signed-response.xml")
        let index = xml.range(of: #"SessionIndex="[^"]+""#, options: .regularExpression).map { String(xml[$0].dropFirst(14).dropLast()) }
        #expect(assertion.sessionIndex == index && index != nil)
        #expect(assertion.attributes["urn:mace:dir:attribute-def:email"] == ["fixture@example.com"])
        #expect(assertion.attributes["urn:mace:dir:attribute-def:displayName"] == ["Fixture User"])
        #expect(assertion.issuedAt == Fixture.issuedAt)
    }

    @Test func anEncryptedAssertionIsDecryptedWithThePoolKey() throws {
        let assertion = try Fixture.check(encrypted: true).check(Fixture.bytes("encrypted-response.xml"))
        #expect(assertion.nameID == "fixture-user")
        #expect(assertion.attributes["urn:mace:dir:attribute-def:email"] == ["fixture@example.com"])
        // Encryption required: the plain response is refused; without a key, the encrypted one is.
        #expect(throws: SAMLFailure.self) { try Fixture.check(encrypted: true).check(Fixture.bytes("signed-response.xml")) }
        #expect(throws: SAMLFailure.self) { try Fixture.check().check(Fixture.bytes("encrypted-response.xml")) }
    }

    /// No decryption oracle (issue 26, item 1): once the response's own signature no longer covers the
    /// ciphertext, every way the decryption or what follows it can fail answers the same words — a
    /// tampered key, tampered data (bad padding, text that is not XML), or a plaintext no signature vouches for.
    @Test func everyFailureOfAnEncryptedAssertionAnswersAlike() throws {
        let xml = Fixture.text("encrypted-response.xml")
        let signature = try #require(xml.range(of: #"(?s)<ns2:Signature Id="Signature1">.*?</ns2:Signature>"#, options: .regularExpression))
        let unsigned = xml.replacingCharacters(in: signature, with: "")
        let values = unsigned.components(separatedBy: "<ns0:CipherValue>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        try #require(values.count == 2)
        let (wrappedKey, data) = (values[0], values[1])
        func replacing(_ old: String, _ new: String) -> [UInt8] { Array(unsigned.replacingOccurrences(of: old, with: new).utf8) }
        let dataBytes = try #require(Data(base64Encoded: data.filter { !$0.isWhitespace }))
        var lastBlockFlipped = Array(dataBytes)
        lastBlockFlipped[lastBlockFlipped.count - 1] ^= 0x55
        var firstBlockFlipped = Array(dataBytes)
        firstBlockFlipped[20] ^= 0x01
        let keyBytes = try #require(Data(base64Encoded: wrappedKey.filter { !$0.isWhitespace }))
        var keyFlipped = Array(keyBytes)
        keyFlipped[5] ^= 0x01
        // Untouched, the assertion's own signature vouches for it.
        #expect(try Fixture.check(encrypted: true).check(Array(unsigned.utf8)).nameID == "fixture-user")
        let variants: [[UInt8]] = [
            replacing(data, Data(lastBlockFlipped).base64EncodedString()),
            replacing(data, Data(firstBlockFlipped).base64EncodedString()),
            replacing(data, Data(repeating: 7, count: 64).base64EncodedString()),
            replacing(wrappedKey, Data(keyFlipped).base64EncodedString()),
        ]
        for variant in variants {
            #expect(throws: SAMLResponseCheck.undecryptable) { try Fixture.check(encrypted: true).check(variant) }
        }
    }

    @Test(arguments: [
        ("fixture@example.com", "boss@example.com", "changed after signing"),
        (">fixture-user<", ">admin<", "changed after signing"),
        ("urn:oasis:names:tc:SAML:2.0:status:Success", "urn:oasis:names:tc:SAML:2.0:status:Requester", "refused the sign-in"),
    ])
    func changesAfterSigningAreRefused(old: String, new: String, words: String) {
        #expect {
            try Fixture.check().check(Fixture.signed(replacing: old, with: new))
        } throws: { error in
            (error as? SAMLFailure)?.description.contains(words) == true
        }
    }

    @Test func theRequestTheAudienceTheRecipientAndTheTimeMustMatch() {
        let response = Fixture.bytes("signed-response.xml")
        func reason(_ check: SAMLResponseCheck) -> String {
            do {
                _ = try check.check(response)
                return "taken"
            } catch {
                return error.description
            }
        }
        #expect(reason(Fixture.check(requestID: "_another")).contains("another request"))
        #expect(reason(Fixture.check(requestID: nil)).contains("not this sign-in"))
        #expect(reason(Fixture.check(audience: "urn:amazon:cognito:sp:us-east-1_Other")).contains("another audience"))
        #expect(reason(Fixture.check(acs: "https://other.example.test/saml2/idpresponse")).contains("another destination"))
        #expect(reason(Fixture.check(now: Fixture.issuedAt.addingTimeInterval(3_600))).contains("too long ago"))
        #expect(reason(Fixture.check(now: Fixture.issuedAt.addingTimeInterval(-600))).contains("future"))
        // Within the clock skew either side it is taken.
        #expect(reason(Fixture.check(now: Fixture.issuedAt.addingTimeInterval(-60))) == "taken")
    }

    @Test func anotherProvidersCertificateDoesNotVerify() throws {
        var other = Fixture.metadata
        other.signingCertificates = try SAMLMetadata(
            xml: Array(
                Fixture.text("idp-metadata.xml").replacingOccurrences(of: "https://idp.example.test", with: "https://x.test").utf8)
        ).signingCertificates
        #expect(other.signingCertificates == Fixture.metadata.signingCertificates)
        // A certificate of another key: any other in the bundle will do; make one from the P-256 key of a fresh certificate.
        other.signingCertificates = [try TestCertificates.other()]
        let check = SAMLResponseCheck(
            serviceProvider: Fixture.serviceProvider, assertionConsumer: Fixture.acs, identityProvider: other, requestID: "_request1",
            requireEncryption: false, decryption: nil, now: Fixture.issuedAt)
        #expect(throws: SAMLFailure("The signature of the Response is not the identity provider's.")) {
            try check.check(Fixture.bytes("signed-response.xml"))
        }
    }

    @Test func aDoctypeIsRefusedBeforeAnythingIsRead() {
        let xml = Array(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>"#.utf8)
        #expect(throws: SAMLFailure.self) { try XMLTree(parsing: xml) }
        #expect(throws: SAMLFailure.self) { try XMLTree(parsing: Array("<unclosed>".utf8)) }
        #expect(throws: SAMLFailure.self) { try XMLTree(parsing: []) }
    }

    @Test func textIsEveryTextNodeSoACommentCannotShortenIt() throws {
        let tree = try XMLTree(parsing: Array("<a>carol@example.com<!---->.evil.test</a>".utf8))
        #expect(tree.root.text == "carol@example.com.evil.test")
    }

    @Test func datesWithAndWithoutFractions() {
        #expect(SAMLResponseCheck.date("2026-12-01T10:00:00Z") == Date(timeIntervalSince1970: 1_796_119_200))
        #expect(SAMLResponseCheck.date("2026-12-01T10:00:00.123Z")!.timeIntervalSince1970 - 1_796_119_200 < 0.2)
        #expect(SAMLResponseCheck.date("2026-12-01T10:00:00.1234567Z") != nil)
        #expect(SAMLResponseCheck.date("2026-12-01T12:00:00+02:00") == Date(timeIntervalSince1970: 1_796_119_200))
        #expect(SAMLResponseCheck.date("yesterday") == nil)
    }
}
