import Foundation

/// The messages Cognito sends to a SAML identity provider, written out (every value escaped): the
/// `AuthnRequest` that starts a sign-in and the `LogoutRequest` of single logout.
public enum SAMLMessages {
    /// A SAML message ID: an xs:ID, so it starts with a letter or underscore.
    public static func id(_ random: [UInt8]) -> String { "_" + random.map { String(format: "%02x", $0) }.joined() }

    public static func instant(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    public static func authnRequest(id: String, issuer: String, destination: String, assertionConsumer: String, now: Date) -> String {
        """
        <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
        ID="\(escape(id))" Version="2.0" IssueInstant="\(instant(now))" Destination="\(escape(destination))" \
        AssertionConsumerServiceURL="\(escape(assertionConsumer))" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">\
        <saml:Issuer>\(escape(issuer))</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>
        """
    }

    public static func logoutRequest(
        id: String, issuer: String, destination: String, nameID: String, nameIDFormat: String?, sessionIndex: String?, now: Date
    ) -> String {
        let format = nameIDFormat.map { " Format=\"\(escape($0))\"" } ?? ""
        let session = sessionIndex.map { "<samlp:SessionIndex>\(escape($0))</samlp:SessionIndex>" } ?? ""
        return """
            <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
            ID="\(escape(id))" Version="2.0" IssueInstant="\(instant(now))" Destination="\(escape(destination))">\
            <saml:Issuer>\(escape(issuer))</saml:Issuer><saml:NameID\(format)>\(escape(nameID))</saml:NameID>\(session)</samlp:LogoutRequest>
            """
    }

    /// XML escaping of text and attribute values.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
