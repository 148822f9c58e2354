import CognateSAML
import Foundation

/// The vectors Scripts/make-saml-fixtures.py made with pysaml2 and xmlsec1.
enum Fixture {
    static func bytes(_ name: String) -> [UInt8] {
        let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
        return Array(try! Data(contentsOf: url))
    }

    static func text(_ name: String) -> String { String(decoding: bytes(name), as: UTF8.self) }

    static let metadata = try! SAMLMetadata(xml: bytes("idp-metadata.xml"))
    static let issuedAt = SAMLResponseCheck.date(text("issued-at.txt").trimmingCharacters(in: .whitespacesAndNewlines))!
    static let serviceProvider = "urn:amazon:cognito:sp:us-east-1_Fixture1"
    static let acs = "https://auth.example.test/saml2/idpresponse"

    static func check(
        requestID: String? = "_request1", now: Date? = nil, audience: String = serviceProvider, acs: String = acs,
        encrypted: Bool = false
    ) -> SAMLResponseCheck {
        SAMLResponseCheck(
            serviceProvider: audience, assertionConsumer: acs, identityProvider: metadata, requestID: requestID, requireEncryption: encrypted,
            decryption: encrypted ? XMLDecryption(privateKeyPEM: text("sp-key.pem")) : nil, now: now ?? issuedAt.addingTimeInterval(10))
    }

    /// The signed response with one change.
    static func signed(replacing old: String, with new: String) -> [UInt8] {
        let xml = text("signed-response.xml")
        precondition(xml.contains(old))
        return Array(xml.replacingOccurrences(of: old, with: new).utf8)
    }
}
