import Foundation

/// What a checked SAML response says of the user.
public struct SAMLAssertion: Sendable, Equatable {
    public var id: String
    public var issuer: String
    public var nameID: String
    public var nameIDFormat: String?
    /// The first `AuthnStatement`'s session, which single logout names.
    public var sessionIndex: String?
    /// Attribute name → its values, in order.
    public var attributes: [String: [String]]
    public var issuedAt: Date
}

/// Validates a SAML 2.0 `Response` from the POST binding completely (SAML Profiles §4.1.4): status,
/// destination, issuer, the XML signature of the response or of the assertion with the identity provider's
/// certificates, decryption of an `EncryptedAssertion`, the bearer subject confirmation (recipient,
/// `InResponseTo`, expiry), the conditions (time window, audience). Exactly one assertion, a direct child
/// of the response, and the values read are those of the element whose signature was checked, so a
/// wrapped or injected copy is never what is read.
public struct SAMLResponseCheck: Sendable {
    public var serviceProvider: String
    public var assertionConsumer: String
    public var identityProvider: SAMLMetadata
    /// The ID of the AuthnRequest this answers; nil for an IdP-initiated (unsolicited) response.
    public var requestID: String?
    public var requireEncryption: Bool
    public var decryption: XMLDecryption?
    public var now: Date
    /// Clock difference tolerated between the identity provider and Cognate.
    public var skew: TimeInterval = 120
    /// How old an assertion may be: a consumer remembers the IDs of assertions it took at least this long
    /// (and `skew` more), so none is taken twice.
    public var maximumAge: TimeInterval = 15 * 60

    public init(
        serviceProvider: String, assertionConsumer: String, identityProvider: SAMLMetadata, requestID: String?, requireEncryption: Bool,
        decryption: XMLDecryption?, now: Date
    ) {
        self.serviceProvider = serviceProvider
        self.assertionConsumer = assertionConsumer
        self.identityProvider = identityProvider
        self.requestID = requestID
        self.requireEncryption = requireEncryption
        self.decryption = decryption
        self.now = now
    }

    static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"
    static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

    public func check(_ xml: [UInt8]) throws(SAMLFailure) -> SAMLAssertion {
        let p = XMLNamespace.protocolNS
        let a = XMLNamespace.assertion
        let tree = try XMLTree(parsing: xml)
        let response = tree.root
        guard response.is(p, "Response") else { throw SAMLFailure("The message is not a SAML Response.") }
        guard response.attribute("Version") == "2.0" else { throw SAMLFailure("The response is not SAML 2.0.") }
        if let destination = response.attribute("Destination"), destination != assertionConsumer {
            throw SAMLFailure("The response is addressed to another destination.")
        }
        if let issuer = response.child(a, "Issuer")?.text.trimmed, issuer != identityProvider.entityID {
            throw SAMLFailure("The response comes from another issuer than the identity provider.")
        }
        if let answered = response.attribute("InResponseTo"), answered != requestID {
            throw SAMLFailure(
                requestID == nil
                    ? "The response answers a request that is not this sign-in." : "The response answers another request (InResponseTo).")
        }
        guard let status = response.child(p, "Status")?.child(p, "StatusCode")?.attribute("Value") else {
            throw SAMLFailure("The response has no status.")
        }
        guard status == Self.success else {
            let detail = response.child(p, "Status")?.child(p, "StatusCode")?.child(p, "StatusCode")?.attribute("Value")
            let message = response.child(p, "Status")?.child(p, "StatusMessage")?.text.trimmed
            throw SAMLFailure(
                "The identity provider refused the sign-in: " + [status, detail, message].compactMap { $0?.prefix(256) }.joined(separator: " "))
        }
        let verifier = XMLSignatureVerifier(certificates: identityProvider.signingCertificates)
        var signed = false
        if try verifier.signature(of: response) != nil {
            try verifier.verify(response)
            signed = true
        }
        let plain = response.children(a, "Assertion")
        let encrypted = response.children(a, "EncryptedAssertion")
        guard plain.count + encrypted.count == 1 else {
            throw SAMLFailure("The response must carry exactly one assertion; it carries \(plain.count + encrypted.count).")
        }
        let assertion: XMLElement
        if let sealed = encrypted.first {
            guard let decryption else {
                throw SAMLFailure("The assertion is encrypted, but the identity provider is not set up for encrypted responses.")
            }
            // From the first step of decryption until a signature vouches for the plaintext, every failure is
            // one and the same: telling a bad key, bad padding, text that is not XML and XML that is not a
            // signed assertion apart would let anyone holding an encrypted assertion decrypt it by asking.
            do {
                assertion = try decryption.decrypt(sealed)
                guard assertion.is(a, "Assertion") else { throw Self.undecryptable }
                try requireSignature(assertion, verifier: verifier, responseSigned: signed)
            } catch {
                throw Self.undecryptable
            }
        } else {
            if requireEncryption { throw SAMLFailure("The assertion is not encrypted, and the identity provider is set up for encrypted responses.") }
            assertion = plain[0]
            try requireSignature(assertion, verifier: verifier, responseSigned: signed)
        }
        return try read(assertion)
    }

    /// The one answer to an encrypted assertion that cannot be decrypted, or whose plaintext no signature vouches for.
    public static let undecryptable = SAMLFailure("The encrypted assertion could not be decrypted and verified.")

    /// The assertion's own signature when it has one (checked), or the response's.
    private func requireSignature(_ assertion: XMLElement, verifier: XMLSignatureVerifier, responseSigned: Bool) throws(SAMLFailure) {
        if try verifier.signature(of: assertion) != nil {
            try verifier.verify(assertion)
        } else if !responseSigned {
            throw SAMLFailure("Neither the response nor its assertion is signed.")
        }
    }

    /// The checked assertion's contents, after the rules of its subject and conditions.
    func read(_ assertion: XMLElement) throws(SAMLFailure) -> SAMLAssertion {
        let a = XMLNamespace.assertion
        guard assertion.attribute("Version") == "2.0", let id = assertion.attribute("ID"), !id.isEmpty else {
            throw SAMLFailure("The assertion is not SAML 2.0, or has no ID.")
        }
        guard let issued = assertion.attribute("IssueInstant").flatMap(Self.date) else {
            throw SAMLFailure("The assertion has no IssueInstant.")
        }
        guard issued <= now.addingTimeInterval(skew) else { throw SAMLFailure("The assertion was issued in the future.") }
        guard issued >= now.addingTimeInterval(-maximumAge - skew) else { throw SAMLFailure("The assertion was issued too long ago.") }
        guard let issuer = assertion.child(a, "Issuer")?.text.trimmed, issuer == identityProvider.entityID else {
            throw SAMLFailure("The assertion comes from another issuer than the identity provider.")
        }
        guard let subject = assertion.child(a, "Subject"), let nameID = subject.child(a, "NameID") else {
            throw SAMLFailure("The assertion does not say who the user is (Subject/NameID).")
        }
        let name = nameID.text.trimmed
        guard !name.isEmpty, name.utf8.count <= 2048 else { throw SAMLFailure("The assertion's NameID is empty or too long.") }
        // A bearer confirmation for this ACS, this request, still valid.
        var confirmed = false
        var reason = "The assertion has no bearer subject confirmation."
        for confirmation in subject.children(a, "SubjectConfirmation") where confirmation.attribute("Method") == Self.bearer {
            guard let data = confirmation.child(a, "SubjectConfirmationData") else { continue }
            guard data.attribute("Recipient") == assertionConsumer else {
                reason = "The assertion is meant for another recipient."
                continue
            }
            guard data.attribute("InResponseTo") == requestID else {
                reason =
                    requestID == nil
                    ? "The assertion answers a request that is not this sign-in." : "The assertion answers another request (InResponseTo)."
                continue
            }
            guard let until = data.attribute("NotOnOrAfter").flatMap(Self.date) else {
                reason = "The subject confirmation has no NotOnOrAfter."
                continue
            }
            guard until > now.addingTimeInterval(-skew) else {
                reason = "The assertion has expired."
                continue
            }
            if let from = data.attribute("NotBefore").flatMap(Self.date), from > now.addingTimeInterval(skew) {
                reason = "The assertion is not valid yet."
                continue
            }
            confirmed = true
            break
        }
        guard confirmed else { throw SAMLFailure(reason) }
        guard let conditions = assertion.child(a, "Conditions") else { throw SAMLFailure("The assertion has no conditions (audience).") }
        if let from = conditions.attribute("NotBefore") {
            guard let date = Self.date(from) else { throw SAMLFailure("The assertion's NotBefore is not a date.") }
            if date > now.addingTimeInterval(skew) { throw SAMLFailure("The assertion is not valid yet.") }
        }
        if let until = conditions.attribute("NotOnOrAfter") {
            guard let date = Self.date(until) else { throw SAMLFailure("The assertion's NotOnOrAfter is not a date.") }
            if date <= now.addingTimeInterval(-skew) { throw SAMLFailure("The assertion has expired.") }
        }
        let restrictions = conditions.children(a, "AudienceRestriction")
        guard !restrictions.isEmpty else { throw SAMLFailure("The assertion names no audience.") }
        for restriction in restrictions where !restriction.children(a, "Audience").contains(where: { $0.text.trimmed == serviceProvider }) {
            throw SAMLFailure("The assertion is meant for another audience than \(serviceProvider).")
        }
        let statements = assertion.children(a, "AuthnStatement")
        if let until = statements.first?.attribute("SessionNotOnOrAfter").flatMap(Self.date), until <= now {
            throw SAMLFailure("The identity provider's session has ended.")
        }
        var attributes: [String: [String]] = [:]
        for statement in assertion.children(a, "AttributeStatement") {
            for attribute in statement.children(a, "Attribute") {
                guard let attributeName = attribute.attribute("Name"), !attributeName.isEmpty else { continue }
                attributes[attributeName, default: []] += attribute.children(a, "AttributeValue").map(\.text)
            }
        }
        return SAMLAssertion(
            id: id, issuer: issuer, nameID: name, nameIDFormat: nameID.attribute("Format"), sessionIndex: statements.first?.attribute("SessionIndex"),
            attributes: attributes, issuedAt: issued)
    }

    /// An xs:dateTime, with or without fractional seconds, in UTC or with an offset.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        // More than three fractional digits (xs:dateTime allows any number): drop the rest.
        if let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { !"0123456789.".contains($0) }) {
            let digits = text[text.index(after: dot)..<end]
            if digits.count > 3 {
                return formatter.date(from: String(text[..<dot]) + "." + digits.prefix(3) + text[end...])
            }
        }
        return nil
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
