/// Identifiers in the shapes AWS gives them.
struct Identifiers {
    let random: any RandomSource

    /// `us-east-1_AbC123xyZ`: the region, an underscore and nine letters or digits.
    func userPoolID(region: String) -> String {
        region + "_" + random.string(9, from: Alphabets.alphanumeric)
    }

    /// 26 lowercase letters and digits.
    func clientID() -> String {
        random.string(26, from: Alphabets.lowerAlphanumeric)
    }

    /// 51 lowercase letters and digits, as Cognito generates client secrets.
    func clientSecret() -> String {
        random.string(51, from: Alphabets.lowerAlphanumeric)
    }

    /// The ID of one client secret: the client ID, `--`, and a timestamp-like suffix.
    func clientSecretID(clientID: String) -> String {
        clientID + "--" + random.string(13, from: Alphabets.digits)
    }

    func sub() -> String { random.uuid() }

    /// A CIMD policy's ID: 26 lowercase letters and digits (the model's `^[a-z0-9]+$`; AWS's length is not documented).
    func cimdPolicyID() -> String {
        random.string(26, from: Alphabets.lowerAlphanumeric)
    }
}

/// ARNs of Cognito resources.
enum ARN {
    static func userPool(region: String, account: String, poolID: String) -> String {
        "arn:aws:cognito-idp:\(region):\(account):userpool/\(poolID)"
    }

    /// The pool ID in a user pool ARN, or nil when the ARN names something else.
    static func userPoolID(in arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "cognito-idp", parts[5].hasPrefix("userpool/") else { return nil }
        let id = parts[5].dropFirst("userpool/".count)
        return id.isEmpty ? nil : String(id)
    }

    /// The region an ARN names.
    static func region(in arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 ? String(parts[3]) : nil
    }
}
