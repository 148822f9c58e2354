/// Why a SAML message was refused, in words fit for the client's `error_description` and the log.
public struct SAMLFailure: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The XML namespaces of SAML 2.0, XML-DSig and XML Encryption.
public enum XMLNamespace {
    public static let protocolNS = "urn:oasis:names:tc:SAML:2.0:protocol"
    public static let assertion = "urn:oasis:names:tc:SAML:2.0:assertion"
    public static let metadata = "urn:oasis:names:tc:SAML:2.0:metadata"
    public static let signature = "http://www.w3.org/2000/09/xmldsig#"
    public static let encryption = "http://www.w3.org/2001/04/xmlenc#"
    public static let encryption11 = "http://www.w3.org/2009/xmlenc11#"
    public static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
}
