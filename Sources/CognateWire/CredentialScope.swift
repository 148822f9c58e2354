import Foundation

/// The region named by a SigV4 `Authorization` header's credential scope. Signatures are not verified.
public enum CredentialScope {
    /// `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/cognito-idp/aws4_request, ...` gives `us-west-2`.
    public static func region(fromAuthorization header: String?) -> String? {
        guard let header, let range = header.range(of: "Credential=") else { return nil }
        let credential = header[range.upperBound...].prefix { $0 != "," && $0 != " " }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5 else { return nil }
        let region = parts[parts.count - 3]
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        return String(region)
    }
}
