import CognateSAML
import CognateStorage
import CognitoModel
import Foundation
import Logging

/// The ProviderDetails of a SAML identity provider: its metadata (`MetadataURL`, read once here, or
/// `MetadataFile`), the switches (`IDPSignout`, `IDPInit`, `EncryptedResponses`), `RequestSigningAlgorithm`,
/// and what Cognito adds: the redirect-binding endpoints from the metadata and the pool's
/// `ActiveEncryptionCertificate`.
extension ProviderDetails {
    /// Details Cognate keeps for itself and never answers.
    static let internalPrefix = "cognate:"
    /// The metadata document read from `MetadataURL`.
    static let fetchedMetadata = "cognate:metadata"

    static let samlKeys: Set<String> = [
        "MetadataURL", "MetadataFile", "IDPSignout", "IDPInit", "EncryptedResponses", "RequestSigningAlgorithm",
        "ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI",
    ]

    func completeSAML(_ given: [String: String], pool: UserPool) async throws -> [String: String] {
        for key in given.keys where !Self.samlKeys.contains(key) {
            throw Errors.invalidParameter("\(key.prefix(64)) is not a ProviderDetails key of a SAML identity provider.")
        }
        var details = given.filter { !["ActiveEncryptionCertificate", "SSORedirectBindingURI", "SLORedirectBindingURI"].contains($0.key) }
        for key in ["IDPSignout", "IDPInit", "EncryptedResponses"] {
            if let value = details[key], value != "true", value != "false" {
                throw Errors.invalidParameter("\(key) must be true or false.")
            }
        }
        if let algorithm = details["RequestSigningAlgorithm"], algorithm != "rsa-sha256" {
            throw Errors.invalidParameter("RequestSigningAlgorithm must be rsa-sha256.")
        }
        let document: String
        switch (details["MetadataURL"], details["MetadataFile"]) {
        case (let url?, nil):
            document = try await fetchMetadata(url)
            details[Self.fetchedMetadata] = document
        case (nil, let file?):
            document = file
        case (nil, nil):
            throw Errors.invalidParameter("A SAML identity provider needs MetadataURL or MetadataFile in its ProviderDetails.")
        default:
            throw Errors.invalidParameter("Give MetadataURL or MetadataFile, not both.")
        }
        let metadata: SAMLMetadata
        do {
            metadata = try SAMLMetadata(xml: Array(document.utf8))
        } catch {
            throw Errors.invalidParameter("Unable to read the SAML metadata: \(error.description)")
        }
        details["SSORedirectBindingURI"] = metadata.singleSignOnRedirect ?? metadata.singleSignOnPost
        details["SLORedirectBindingURI"] = metadata.singleLogoutRedirect
        details["ActiveEncryptionCertificate"] = try await SigningCertificate(deps).certificate(pool: pool)
        return details
    }

    func fetchMetadata(_ url: String) async throws -> String {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil, url.utf8.count <= 2048 else {
            throw Errors.invalidParameter("MetadataURL must be an https URL.")
        }
        try deps.configuration.providerURLs.check(url, member: "MetadataURL")
        let failure = Errors.invalidParameter("Unable to retrieve the SAML metadata from \(url.prefix(256)).")
        guard let web = deps.web else { throw failure }
        let response: WebResponse
        do {
            response = try await web.send(WebRequest(url: url, headers: [("Accept", "application/samlmetadata+xml, application/xml, text/xml")]))
        } catch {
            deps.logger.warning("SAML metadata: \(error)", metadata: ["url": "\(url.prefix(256))"])
            throw failure
        }
        guard response.status == 200, response.body.count <= SAMLMetadata.maximumSize, let text = String(bytes: response.body, encoding: .utf8) else {
            deps.logger.warning(
                "SAML metadata: an answer of status \(response.status) and \(response.body.count) bytes", metadata: ["url": "\(url.prefix(256))"])
            throw failure
        }
        return text
    }
}
