import CognateSAML
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import _CryptoExtras

enum TestCertificates {
    /// A self-signed certificate of a key no fixture uses.
    static func other() throws -> Certificate {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("other.example.test") }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date(),
            notValidAfter: Date().addingTimeInterval(3_600),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(), issuerPrivateKey: .init(key))
    }
}

@Suite struct XMLPartsTests {
    @Test func exclusiveCanonicalizationOfASubtree() throws {
        let tree = try XMLTree(
            parsing: Array(
                #"""
                <a:root xmlns:a="urn:a" xmlns:b="urn:b"><a:child  z="1"   y="2"><!-- note --><b:leaf/></a:child></a:root>
                """#.utf8))
        let child = tree.root.children[0]
        #expect(
            String(decoding: try Canonicalization.exclusive.canonicalize(child), as: UTF8.self)
                == #"<a:child xmlns:a="urn:a" y="2" z="1"><b:leaf xmlns:b="urn:b"></b:leaf></a:child>"#)
        #expect(
            String(decoding: try Canonicalization.exclusiveWithComments.canonicalize(child), as: UTF8.self)
                == #"<a:child xmlns:a="urn:a" y="2" z="1"><!-- note --><b:leaf xmlns:b="urn:b"></b:leaf></a:child>"#)
        // Without a descendant (how an enveloped signature is left out).
        let leaf = child.children[0]
        #expect(
            String(decoding: try Canonicalization.exclusive.canonicalize(child, excluding: leaf), as: UTF8.self)
                == #"<a:child xmlns:a="urn:a" y="2" z="1"></a:child>"#)
        // Inclusive canonicalization keeps every namespace in scope.
        #expect(
            String(decoding: try Canonicalization.inclusive.canonicalize(child, excluding: leaf), as: UTF8.self)
                == #"<a:child xmlns:a="urn:a" xmlns:b="urn:b" y="2" z="1"></a:child>"#)
    }

    @Test func metadataIsRead() throws {
        let metadata = Fixture.metadata
        #expect(metadata.entityID == "https://idp.example.test/metadata")
        #expect(metadata.singleSignOnRedirect?.hasSuffix("/sso/redirect") == true)
        #expect(metadata.singleLogoutRedirect?.hasSuffix("/slo/redirect") == true)
        #expect(metadata.signingCertificates.count == 1)
        #expect(throws: SAMLFailure.self) { try SAMLMetadata(xml: Array("<x/>".utf8)) }
        #expect(throws: SAMLFailure.self) {
            try SAMLMetadata(xml: Array(#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="e"/>"#.utf8))
        }
    }

    @Test func redirectBindingRoundTripAndSignature() throws {
        let xml = SAMLMessages.authnRequest(
            id: "_abc", issuer: "urn:amazon:cognito:sp:us-east-1_X", destination: "https://idp.test/sso?x=1", assertionConsumer: "https://a.test/acs",
            now: Date(timeIntervalSince1970: 0))
        #expect(xml.contains(#"IssueInstant="1970-01-01T00:00:00Z""#))
        // The fixture's SP key is the IdP's key too, so the metadata's certificate verifies what it signs.
        let url = try RedirectBinding.url(
            "https://idp.test/sso?x=1", parameter: "SAMLRequest", xml: xml, relayState: "r+1", signingKeyPEM: Fixture.text("sp-key.pem"))
        #expect(url.hasPrefix("https://idp.test/sso?x=1&SAMLRequest="))
        let query = String(url.split(separator: "?", maxSplits: 1)[1].dropFirst("x=1&".count))
        try RedirectBinding.verify(rawQuery: query, parameter: "SAMLRequest", certificates: Fixture.metadata.signingCertificates)
        #expect(throws: SAMLFailure.self) {
            try RedirectBinding.verify(
                rawQuery: query.replacingOccurrences(of: "RelayState=r", with: "RelayState=s"), parameter: "SAMLRequest",
                certificates: Fixture.metadata.signingCertificates)
        }
        let encoded = query.split(separator: "&")[0].dropFirst("SAMLRequest=".count)
        let inflated = try RedirectBinding.inflate(Array(Data(base64Encoded: String(encoded).removingPercentEncoding!)!), limit: 10_000)
        #expect(String(decoding: inflated, as: UTF8.self) == xml)
        #expect(throws: SAMLFailure.self) { try RedirectBinding.inflate(try RedirectBinding.deflate(Array(xml.utf8)), limit: 10) }
        #expect(throws: SAMLFailure.self) { try RedirectBinding.inflate([1, 2, 3, 4], limit: 100) }
    }

    @Test func messagesEscapeTheirValues() {
        let xml = SAMLMessages.logoutRequest(
            id: "_1", issuer: "sp", destination: "https://idp.test/slo?a=1&b=2", nameID: "<evil>&\"", nameIDFormat: nil, sessionIndex: "s'1",
            now: Date(timeIntervalSince1970: 0))
        #expect(xml.contains(#"Destination="https://idp.test/slo?a=1&amp;b=2""#))
        #expect(xml.contains("&lt;evil&gt;&amp;&quot;</saml:NameID>"))
        #expect(xml.contains("<samlp:SessionIndex>s&apos;1</samlp:SessionIndex>"))
        #expect((try? XMLTree(parsing: Array(xml.utf8))) != nil)
    }
}
