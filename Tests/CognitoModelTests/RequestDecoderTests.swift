import CognateWire
import CognitoModel
import Foundation
import Testing

/// Decoding requests and checking them against the model answers AWS's errors in AWS's words.
@Suite struct RequestDecoderTests {
    func decode<T: Decodable & ValidatableShape>(_ type: T.Type, _ json: String) throws(CognitoError) -> T {
        try RequestDecoder.decode(T.self, from: Data(json.utf8))
    }

    func error<T: Decodable & ValidatableShape>(_ type: T.Type, _ json: String) -> CognitoError? {
        do {
            _ = try decode(T.self, json)
            return nil
        } catch {
            return error
        }
    }

    @Test func validRequestDecodes() throws {
        let input = try decode(AdminGetUserRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"bob"}"#)
        #expect(input.userPoolId == "us-east-1_abc")
        #expect(input.username == "bob")
    }

    @Test func patternViolationIsWordedAsAWS() {
        let e = error(DescribeUserPoolRequest.self, #"{"UserPoolId":"x"}"#)
        #expect(e?.code == .invalidParameterException)
        #expect(
            e?.message
                == #"1 validation error detected: Value 'x' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"#
        )
    }

    @Test func missingRequiredMembersAreAllReported() {
        let e = error(AdminGetUserRequest.self, "{}")
        #expect(e?.code == .invalidParameterException)
        #expect(e?.message.hasPrefix("2 validation errors detected: ") == true)
        #expect(e?.message.contains("Value null at 'userPoolId' failed to satisfy constraint: Member must not be null") == true)
        #expect(e?.message.contains("Value null at 'username' failed to satisfy constraint: Member must not be null") == true)
    }

    @Test func nestedMembersUseAWSPaths() {
        let e = error(
            AdminCreateUserRequest.self,
            #"{"UserPoolId":"us-east-1_abc","Username":"bob","UserAttributes":[{"Name":"email","Value":"a"},{"Value":"x"}]}"#)
        #expect(
            e?.message
                == "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null")
    }

    @Test func rangeAndLengthViolations() {
        let e = error(ListUserPoolsRequest.self, #"{"MaxResults":0}"#)
        #expect(
            e?.message
                == "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
        )
        let long = String(repeating: "a", count: 200)
        let e2 = error(CreateGroupRequest.self, #"{"UserPoolId":"us-east-1_abc","GroupName":"\#(long)"}"#)
        #expect(
            e2?.message
                == "1 validation error detected: Value '\(long)' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128"
        )
    }

    @Test func enumViolationListsTheValues() {
        let e = error(AdminCreateUserRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"bob","MessageAction":"SHOUT"}"#)
        #expect(
            e?.message
                == "1 validation error detected: Value 'SHOUT' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
        )
    }

    @Test func listElementViolationIsReportedOnTheList() {
        let e = error(CreateUserPoolRequest.self, #"{"PoolName":"p","AutoVerifiedAttributes":["email","fax"]}"#)
        #expect(
            e?.message
                == "1 validation error detected: Value '[email, fax]' at 'autoVerifiedAttributes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email]]"
        )
    }

    @Test func sensitiveValuesAreNotEchoed() {
        let e = error(AdminSetUserPasswordRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"bob","Password":"has space"}"#)
        #expect(
            e?.message
                == #"1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+"#
        )
    }

    @Test func sensitiveMapValuesAreNotEchoed() {
        let huge = String(repeating: "x", count: 131_073)
        let e = error(
            InitiateAuthRequest.self,
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"bob","PASSWORD":"Secret-1","PAD":"\#(huge)"}}"#)
        #expect(e?.code == .invalidParameterException)
        #expect(e?.message.contains("Secret-1") == false)
        #expect(e?.message.contains("xxxx") == false)
        #expect(e?.message.hasPrefix("1 validation error detected: Value at 'authParameters' failed to satisfy constraint") == true)
        // Inside a sensitive structure nothing is echoed either.
        let context = error(
            InitiateAuthRequest.self, #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","UserContextData":{"EncodedData":"\#(huge)"}}"#)
        #expect(context?.code == .invalidParameterException)
        #expect(context?.message.contains("xxxx") == false)
    }

    @Test func longValuesAreCutInMessages() {
        let long = String(repeating: "p", count: 100_000)
        let e = error(CreateUserPoolRequest.self, #"{"PoolName":"\#(long)"}"#)
        #expect(e?.message.count ?? .max < 1_000)
        #expect(e?.message.contains("...' at 'poolName'") == true)
        let map = error(InitiateAuthRequest.self, #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"\#(long)":5}}"#)
        #expect(map?.code == .serializationException)
        #expect(map?.message.count ?? .max < 1_000)
    }

    @Test func duplicateKeysAreRefused() {
        let e = error(AdminGetUserRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"a","Username":"b"}"#)
        #expect(e?.code == .serializationException)
        #expect(
            error(AdminGetUserRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"a","Userna\u006de":"b"}"#)?.code == .serializationException)
        // Keys that differ, equal keys in different objects, and quotes inside strings are no duplicates.
        #expect(
            error(
                AdminCreateUserRequest.self,
                #"{"UserPoolId":"us-east-1_abc","Username":"a\"Username\"","UserAttributes":[{"Name":"n","Value":"v"},{"Name":"m","Value":"w"}]}"#)
                == nil)
        #expect(DuplicateKeyScan.firstDuplicate(in: Array(#"{"a":{"b":1,"c":[{"b":2}]},"b":3}"#.utf8)) == nil)
        #expect(DuplicateKeyScan.firstDuplicate(in: Array(#"{"a":[1,2],"a":3}"#.utf8)) == "a")
        // Broken input never traps.
        for text in [#"{"a"#, #"{"a\"#, #"{"\u12"#, "}}]]{", #"{"a":"\ud800\u"#] {
            _ = DuplicateKeyScan.firstDuplicate(in: Array(text.utf8))
        }
    }

    /// A null character answers InvalidParameterException on every backend (PostgreSQL's text cannot hold
    /// one; issue 26, item 13), wherever it is: a name, an attribute, a map of parameters.
    @Test func aNullCharacterIsAParameterError() {
        for body in [
            #"{"UserPoolId":"us-east-1_abc","Username":"a\u0000b"}"#,
            #"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"bob\u0000","PASSWORD":"x"}}"#,
        ] {
            let e = body.contains("AuthFlow") ? error(InitiateAuthRequest.self, body) : error(AdminGetUserRequest.self, body)
            #expect(e?.code == .invalidParameterException)
            #expect(e?.message == NullCharacterScan.message)
        }
        // An escaped backslash before "u0000" is text, not a null.
        #expect(error(AdminGetUserRequest.self, #"{"UserPoolId":"us-east-1_abc","Username":"a\\u0000"}"#)?.message != NullCharacterScan.message)
        #expect(!NullCharacterScan.containsNull(in: Array(#"{"a":"\\u0000"}"#.utf8)))
        #expect(NullCharacterScan.containsNull(in: Array(#"{"a":"\\\u0000"}"#.utf8)))
    }

    @Test func malformedJSONIsASerializationError() {
        #expect(error(AdminGetUserRequest.self, "{not json")?.code == .serializationException)
        #expect(error(AdminGetUserRequest.self, "[1,2]")?.code == .serializationException)
        let wrongType = error(AdminGetUserRequest.self, #"{"UserPoolId":5,"Username":"bob"}"#)
        #expect(wrongType?.code == .serializationException)
        #expect(wrongType?.message.contains("userPoolId") == true)
    }

    @Test func emptyBodyMeansNoMembers() {
        #expect(
            error(ListUserPoolsRequest.self, "")?.message
                == "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
    }

    @Test func targetHeaderIsParsed() throws {
        #expect(try Target.operation(from: "AWSCognitoIdentityProviderService.ListUsers") == .listUsers)
        #expect(throws: CognitoError.self) { try Target.operation(from: "AWSCognitoIdentityProviderService.Nope") }
        #expect(throws: CognitoError.self) { try Target.operation(from: nil) }
        #expect(throws: CognitoError.self) { try Target.operation(from: "Other.ListUsers") }
    }

    @Test func regionComesFromTheCredentialScope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-2/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc"
        #expect(CredentialScope.region(fromAuthorization: header) == "eu-west-2")
        #expect(CredentialScope.region(fromAuthorization: nil) == nil)
        #expect(CredentialScope.region(fromAuthorization: "Bearer x") == nil)
        let absurd =
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/\(String(repeating: "r", count: 3000))/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc"
        #expect(CredentialScope.region(fromAuthorization: absurd) == nil)
    }
}
