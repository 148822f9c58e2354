import Foundation
import SwiftASN1
import X509

/// What Cognito reads from a SAML identity provider's metadata (SAML metadata, `md:EntityDescriptor`):
/// its entity ID, the redirect-binding sign-in and sign-out endpoints, and the certificates that sign its
/// answers.
public struct SAMLMetadata: Sendable {
    public var entityID: String
    public var singleSignOnRedirect: String?
    public var singleSignOnPost: String?
    public var singleLogoutRedirect: String?
    public var signingCertificates: [Certificate]
    public var wantsSignedRequests: Bool

    static let redirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    static let postBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"

    /// The largest metadata document Cognate reads.
    public static let maximumSize = 1_000_000

    public init(xml: [UInt8]) throws(SAMLFailure) {
        guard xml.count <= Self.maximumSize else { throw SAMLFailure("The metadata document is larger than \(Self.maximumSize) bytes.") }
        let tree = try XMLTree(parsing: xml)
        let md = XMLNamespace.metadata
        var entity = tree.root
        if entity.is(md, "EntitiesDescriptor") {
            guard let first = entity.descendants(md, "EntityDescriptor").first(where: { $0.child(md, "IDPSSODescriptor") != nil }) else {
                throw SAMLFailure("The metadata describes no identity provider (IDPSSODescriptor).")
            }
            entity = first
        }
        guard entity.is(md, "EntityDescriptor") else { throw SAMLFailure("The metadata is not a SAML EntityDescriptor.") }
        guard let entityID = entity.attribute("entityID"), !entityID.isEmpty else { throw SAMLFailure("The metadata has no entityID.") }
        guard let idp = entity.child(md, "IDPSSODescriptor") else {
            throw SAMLFailure("The metadata describes no identity provider (IDPSSODescriptor).")
        }
        func location(_ service: String, _ binding: String) -> String? {
            idp.children(md, service).first { $0.attribute("Binding") == binding }?.attribute("Location")
        }
        self.entityID = entityID
        singleSignOnRedirect = location("SingleSignOnService", Self.redirectBinding)
        singleSignOnPost = location("SingleSignOnService", Self.postBinding)
        singleLogoutRedirect = location("SingleLogoutService", Self.redirectBinding)
        guard singleSignOnRedirect != nil || singleSignOnPost != nil else {
            throw SAMLFailure("The metadata names no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding.")
        }
        wantsSignedRequests = idp.attribute("WantAuthnRequestsSigned") == "true"
        var certificates: [Certificate] = []
        for descriptor in idp.children(md, "KeyDescriptor") where descriptor.attribute("use") ?? "signing" == "signing" {
            for data in descriptor.descendants(XMLNamespace.signature, "X509Certificate") {
                guard let der = Data(base64Encoded: data.compactText), let certificate = try? Certificate(derEncoded: Array(der)) else {
                    throw SAMLFailure("A signing certificate of the metadata is not a base64 X.509 certificate.")
                }
                certificates.append(certificate)
            }
        }
        guard !certificates.isEmpty else { throw SAMLFailure("The metadata has no signing certificate (KeyDescriptor).") }
        signingCertificates = certificates
    }
}
