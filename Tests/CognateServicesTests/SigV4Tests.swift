import CognateHTTP
import CognitoModel
import Foundation
import Testing

/// SigV4 verification against the vectors of AWS's Signature Version 4 test suite, and its refusals.
@Suite struct SigV4Tests {
    static let keys = AccessKeys(["AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"])
    static let signedAt = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let verifier = SigV4Verifier(keys: keys, service: "service", now: { signedAt })

    static func request(
        _ method: String, query: String = "", signature: String, signedHeaders: String = "host;x-amz-date",
        credential: String = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", date: String = "20150830T123600Z",
        body: String = "", extra: [(name: String, value: String)] = []
    ) -> SignedRequest {
        SignedRequest(
            method: method, path: "/", query: query,
            headers: [
                ("host", "example.amazonaws.com"), ("x-amz-date", date),
                ("authorization", "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=\(signedHeaders), Signature=\(signature)"),
            ] + extra,
            body: Array(body.utf8))
    }

    static func code(_ result: Result<String, CognitoError>) -> ErrorCode? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func awsTestSuiteVectorsVerify() {
        #expect(
            Self.verifier.verify(Self.request("GET", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
                == .success("AKIDEXAMPLE"))
        #expect(
            Self.verifier.verify(Self.request("POST", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"))
                == .success("AKIDEXAMPLE"))
        #expect(
            Self.verifier.verify(
                Self.request(
                    "GET", query: "Param2=value2&Param1=value1", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
                == .success("AKIDEXAMPLE"))
    }

    @Test func refusalsUseAWSCodes() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        #expect(
            Self.code(Self.verifier.verify(SignedRequest(method: "GET", path: "/", query: "", headers: [("host", "h")], body: [])))
                == .missingAuthenticationTokenException)
        #expect(Self.code(Self.verifier.verify(Self.request("GET", signature: String(good.reversed())))) == .invalidSignatureException)
        #expect(
            Self.code(Self.verifier.verify(Self.request("GET", signature: good, credential: "AKIDOTHER/20150830/us-east-1/service/aws4_request")))
                == .unrecognizedClientException)
        #expect(
            Self.code(Self.verifier.verify(Self.request("GET", signature: good, credential: "AKIDEXAMPLE/20150830/us-east-1/other/aws4_request")))
                == .invalidSignatureException)
        #expect(
            Self.code(Self.verifier.verify(Self.request("GET", signature: good, credential: "AKIDEXAMPLE/us-east-1")))
                == .incompleteSignatureException)
        #expect(Self.code(Self.verifier.verify(Self.request("GET", signature: good, signedHeaders: "x-amz-date"))) == .invalidSignatureException)
        // The body is covered: the same signature over another body fails.
        #expect(
            Self.code(
                Self.verifier.verify(Self.request("POST", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", body: "{}")))
                == .invalidSignatureException)
        #expect(
            Self.code(Self.verifier.verify(Self.request("POST", signature: good, extra: [("x-amz-content-sha256", "00")])))
                == .invalidSignatureException)
        let missingParts = Self.verifier.verify(
            SignedRequest(method: "GET", path: "/", query: "", headers: [("authorization", "AWS4-HMAC-SHA256 Credential=x")], body: []))
        if case .failure(let error) = missingParts {
            #expect(error.message == "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
        } else {
            Issue.record("a header without Signature verified")
        }
    }

    /// A signature must cover the date and, on the JSON endpoint, the operation: otherwise a captured
    /// AdminGetUser could be replayed as AdminDeleteUser (issue 26, item 10).
    @Test func theDateAndTheOperationMustBeSigned() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        let withoutDate = Self.verifier.verify(Self.request("GET", signature: good, signedHeaders: "host"))
        #expect(Self.code(withoutDate) == .invalidSignatureException)
        if case .failure(let error) = withoutDate { #expect(error.message.contains("X-Amz-Date")) }
        // The AWS vector verifies with host and date signed, but not once the request names an operation it left out.
        let replayed = Self.verifier.verify(
            Self.request(
                "GET", signature: good, extra: [("x-amz-target", "AWSCognitoIdentityProviderService.AdminDeleteUser")]))
        #expect(Self.code(replayed) == .invalidSignatureException)
        if case .failure(let error) = replayed { #expect(error.message.contains("X-Amz-Target")) }
    }

    @Test func theDateMustBeWithinFifteenMinutes() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        let late = SigV4Verifier(keys: Self.keys, service: "service", now: { Self.signedAt.addingTimeInterval(16 * 60) })
        let result = late.verify(Self.request("GET", signature: good))
        #expect(Self.code(result) == .invalidSignatureException)
        if case .failure(let error) = result {
            #expect(error.message.hasPrefix("Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z"))
        }
        let early = SigV4Verifier(keys: Self.keys, service: "service", now: { Self.signedAt.addingTimeInterval(-16 * 60) })
        #expect(Self.code(early.verify(Self.request("GET", signature: good))) == .invalidSignatureException)
        let nearly = SigV4Verifier(keys: Self.keys, service: "service", now: { Self.signedAt.addingTimeInterval(14 * 60) })
        #expect(nearly.verify(Self.request("GET", signature: good)) == .success("AKIDEXAMPLE"))
        #expect(Self.code(Self.verifier.verify(Self.request("GET", signature: good, date: "20150830T1236Z"))) == .incompleteSignatureException)
        #expect(Self.code(Self.verifier.verify(Self.request("GET", signature: good, date: "20150831T123600Z"))) == .invalidSignatureException)
    }

    @Test func credentialsFileIsParsed() throws {
        let keys = try AccessKeys.parse(
            """
            # local keys
            [default]
            aws_access_key_id = AKIDONE
            aws_secret_access_key = secret-one-of-twenty

            [ci]
            aws_access_key_id=AKIDTWO
            aws_secret_access_key=secret/two=second/key
            """, source: "creds")
        #expect(keys.secrets == ["AKIDONE": "secret-one-of-twenty", "AKIDTWO": "secret/two=second/key"])
        // A short secret opens nothing (issue 26, item 12): the file and the environment are refused.
        #expect(throws: AccessKeys.LoadError.self) {
            try AccessKeys.parse("[p]\naws_access_key_id = X\naws_secret_access_key = password\n", source: "creds")
        }
        #expect(throws: AccessKeys.LoadError.self) {
            try AccessKeys.load(file: nil, accessKeyID: "AKID", secretAccessKey: "password")
        }
        #expect(throws: AccessKeys.LoadError.self) { try AccessKeys.parse("[p]\naws_access_key_id = X\n", source: "creds") }
        #expect(throws: AccessKeys.LoadError.self) { try AccessKeys.parse("nonsense\n", source: "creds") }
        #expect(throws: AccessKeys.LoadError.self) { try AccessKeys.parse("", source: "creds") }
    }
}
