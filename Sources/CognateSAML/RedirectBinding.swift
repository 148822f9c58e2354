import CLibXML2
import Crypto
import Foundation
import X509
import _CryptoExtras

/// SAML's HTTP-Redirect binding (SAMLBind §3.4): the message DEFLATE-compressed, base64-encoded and sent
/// in the query, signed over the query's own bytes (`SAMLRequest`, `RelayState`, `SigAlg`, in that order).
public enum RedirectBinding {
    public static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

    /// The URL that carries `xml` to `destination` as `parameter` (`SAMLRequest` or `SAMLResponse`), signed
    /// with the RSA key when one is given.
    public static func url(
        _ destination: String, parameter: String, xml: String, relayState: String?, signingKeyPEM: String?
    ) throws(SAMLFailure) -> String {
        var query = parameter + "=" + escape(Data(try deflate(Array(xml.utf8))).base64EncodedString())
        if let relayState { query += "&RelayState=" + escape(relayState) }
        if let signingKeyPEM {
            query += "&SigAlg=" + escape(rsaSHA256)
            do {
                let key = try _RSA.Signing.PrivateKey(pemRepresentation: signingKeyPEM)
                let signature = try key.signature(for: SHA256.hash(data: Array(query.utf8)), padding: .insecurePKCS1v1_5)
                query += "&Signature=" + escape(signature.rawRepresentation.base64EncodedString())
            } catch {
                throw SAMLFailure("The request could not be signed.")
            }
        }
        return destination + (destination.contains("?") ? "&" : "?") + query
    }

    /// Checks the signature of a redirect-binding query (its raw, still-escaped text) with the certificates.
    public static func verify(rawQuery: String, parameter: String, certificates: [Certificate]) throws(SAMLFailure) {
        var fields: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let algorithm = fields["SigAlg"].flatMap({ $0.removingPercentEncoding }),
            let signature = fields["Signature"].flatMap({ $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding })
                .flatMap({ Data(base64Encoded: $0.filter { !$0.isWhitespace }) }),
            let message = fields[parameter]
        else { throw SAMLFailure("The \(parameter) is not signed.") }
        var signed = parameter + "=" + message
        if let relay = fields["RelayState"] { signed += "&RelayState=" + relay }
        signed += "&SigAlg=" + fields["SigAlg"]!
        guard XMLSignatureVerifier.isSupported(algorithm),
            certificates.contains(where: { XMLSignatureVerifier.verify(signature, of: Array(signed.utf8), algorithm: algorithm, key: $0.publicKey) })
        else { throw SAMLFailure("The signature of the \(parameter) is not the identity provider's.") }
    }

    /// Form-style escaping of a query value: everything but unreserved characters.
    public static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    public static func deflate(_ bytes: [UInt8]) throws(SAMLFailure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count + bytes.count / 10 + 64)
        let written = out.withUnsafeMutableBufferPointer { buffer in
            cognate_raw_deflate(bytes, UInt(bytes.count), buffer.baseAddress, UInt(buffer.count))
        }
        guard written >= 0 else { throw SAMLFailure("The message could not be compressed.") }
        return Array(out.prefix(written))
    }

    /// Inflates at most `limit` bytes; more, or anything that is not DEFLATE, is refused.
    public static func inflate(_ bytes: [UInt8], limit: Int) throws(SAMLFailure) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: limit)
        let written = out.withUnsafeMutableBufferPointer { buffer in
            cognate_raw_inflate(bytes, UInt(bytes.count), buffer.baseAddress, UInt(buffer.count))
        }
        guard written >= 0 else { throw SAMLFailure("The message is not DEFLATE-compressed, or is larger than \(limit) bytes.") }
        return Array(out.prefix(written))
    }
}
