import CognitoModel

/// Reads `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.
public enum Target {
    public static func operation(from header: String?) throws(CognitoError) -> CognitoOperation {
        guard let header, !header.isEmpty else {
            throw CognitoError(.unknownOperationException, "Missing X-Amz-Target header: expected \(targetPrefix).<Operation>.")
        }
        let prefix = targetPrefix + "."
        guard header.hasPrefix(prefix), let op = CognitoOperation(rawValue: String(header.dropFirst(prefix.count))) else {
            throw CognitoError(.unknownOperationException, "Unknown operation \(header).")
        }
        return op
    }
}
