import CognitoModel

/// The ARNs of functions and keys a pool names (`LambdaConfig`), read strictly. Their region and account
/// become part of an outgoing request (`lambda.<region>.amazonaws.com`), so nothing but AWS's own forms is
/// taken: the model's pattern admits `@` and `/` in the region, which would steer a request to any host
/// (`arn:aws:lambda:x@127.0.0.1/:…`).
public struct AWSARN: Sendable, Equatable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    /// `arn:<partition>:<service>:<region>:<12-digit account>:<resource>`, with AWS's partitions and region form.
    public init?(_ text: String) {
        guard text.utf8.count <= 2_048 else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn",
            ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"].contains(parts[1]),
            !parts[2].isEmpty, parts[2].utf8.allSatisfy({ Self.isLower($0) || Self.isDigit($0) || $0 == UInt8(ascii: "-") }),
            Self.isRegion(parts[3]), parts[4].utf8.count == 12, parts[4].utf8.allSatisfy(Self.isDigit),
            !parts[5].isEmpty, parts[5].utf8.allSatisfy({ Self.isResourceByte($0) })
        else { return nil }
        (partition, service, region, account, resource) = (parts[1], parts[2], parts[3], parts[4], parts[5])
    }

    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `us-isob-east-1`: letters in dashed words, then a number.
    public static func isRegion(_ text: String) -> Bool {
        let words = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...5).contains(words.count), text.utf8.count <= 25, let last = words.last, (1...2).contains(last.count),
            last.utf8.allSatisfy(isDigit)
        else { return false }
        return words.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(isLower) }
    }

    /// A Lambda function's ARN (`function:<name>`, with an optional version or alias).
    public static func isFunction(_ text: String) -> Bool {
        guard let arn = AWSARN(text), arn.service == "lambda", arn.resource.hasPrefix("function:") else { return false }
        return arn.resource.split(separator: ":", omittingEmptySubsequences: false).count <= 3
    }

    /// A KMS key's ARN (`key/<id>` or `alias/<name>`).
    public static func isKey(_ text: String) -> Bool {
        guard let arn = AWSARN(text), arn.service == "kms" else { return false }
        return arn.resource.hasPrefix("key/") || arn.resource.hasPrefix("alias/")
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    /// Letters, digits and `_ - . / : + = , @` (what AWS's names of functions, versions, aliases and keys use).
    private static func isResourceByte(_ byte: UInt8) -> Bool {
        isLower(byte) || isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || Array("_-./:+=,@".utf8).contains(byte)
    }

    /// Every ARN of a `LambdaConfig` checked: the first one that is not a function's (or, for KMSKeyID, a
    /// key's) answers InvalidParameterException naming its member.
    public static func check(_ config: LambdaConfigType) throws(CognitoError) {
        let functions: [(String, String?)] = [
            ("PreSignUp", config.preSignUp), ("CustomMessage", config.customMessage), ("PostConfirmation", config.postConfirmation),
            ("PreAuthentication", config.preAuthentication), ("PostAuthentication", config.postAuthentication),
            ("DefineAuthChallenge", config.defineAuthChallenge), ("CreateAuthChallenge", config.createAuthChallenge),
            ("VerifyAuthChallengeResponse", config.verifyAuthChallengeResponse), ("PreTokenGeneration", config.preTokenGeneration),
            ("UserMigration", config.userMigration), ("PreTokenGenerationConfig.LambdaArn", config.preTokenGenerationConfig?.lambdaArn),
            ("CustomSMSSender.LambdaArn", config.customSMSSender?.lambdaArn), ("CustomEmailSender.LambdaArn", config.customEmailSender?.lambdaArn),
            ("InboundFederation.LambdaArn", config.inboundFederation?.lambdaArn),
        ]
        for (member, value) in functions {
            guard let value else { continue }
            guard isFunction(value) else {
                throw CognitoError(
                    .invalidParameterException,
                    "LambdaConfig.\(member) is not the ARN of a Lambda function (arn:aws:lambda:<region>:<account>:function:<name>).")
            }
        }
        if let key = config.kmsKeyID, !isKey(key) {
            throw CognitoError(
                .invalidParameterException, "LambdaConfig.KMSKeyID is not the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>).")
        }
    }
}
