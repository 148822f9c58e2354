import CognitoModel
import Testing

/// The generated model covers the whole API and its constraints are usable.
@Suite struct GeneratedModelTests {
    @Test func everyOperationOfTheModelIsGenerated() {
        #expect(CognitoOperation.allCases.count == 153)
        #expect(CognitoOperation(rawValue: "AdminCreateUser") == .adminCreateUser)
        #expect(Operations.AdminCreateUser.operation == .adminCreateUser)
    }

    @Test func everyModelPatternCompiles() {
        #expect(!ModelPatterns.all.isEmpty)
        for pattern in ModelPatterns.all {
            #expect(pattern.isValid, "pattern does not compile: \(pattern.source)")
        }
    }

    @Test func patternsMatchTheWholeValue() {
        let pool = ConstraintPattern(#"[\w-]+_[0-9a-zA-Z]+"#)
        #expect(pool.matches("us-east-1_AbC123xyZ"))
        #expect(!pool.matches("us-east-1_AbC 123"))
        #expect(!pool.matches("x us-east-1_Abc"))
        let lookBehind = ConstraintPattern(#"^[0-9A-Za-z\.\-_]*(?<!\.)$"#)
        #expect(lookBehind.matches("a.b"))
        #expect(!lookBehind.matches("a.b."))
    }

    /// The ASCII tables and remembered answers agree with the regex itself, for every pattern of the
    /// model, on every single ASCII character, on mixed values and on values outside ASCII.
    @Test func shortcutsAgreeWithTheRegex() {
        var samples = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        samples += [
            "", "us-east-1_AbC123", "user0000001", "a b", "tab\there", "new\nline", "Bench-Passw0rd!", "x_y", "é",
            "ünïcode", "名前", "a\u{0}b", "{####}", "abc{####}def", "arn:aws:iam::123456789012:role/x", "a.b.", "🙂x",
            String(repeating: "a", count: 300), String(repeating: "é", count: 300),
        ]
        var tables = 0
        for pattern in ModelPatterns.all {
            if pattern.hasASCIITable { tables += 1 }
            for sample in samples {
                // Twice: the second answer may come from memory.
                #expect(pattern.matches(sample) == pattern.regexMatches(sample), "\(pattern.source) on \(sample.debugDescription)")
                #expect(pattern.matches(sample) == pattern.regexMatches(sample), "\(pattern.source) again on \(sample.debugDescription)")
            }
        }
        #expect(tables >= 15, "most patterns are one repeated class")
    }

    @Test func errorCodesKnowTheirStatus() {
        #expect(ErrorCode.internalErrorException.isFault)
        #expect(!ErrorCode.userNotFoundException.isFault)
        #expect(ErrorCode.modelled.count > 50)
    }

    @Test func enumsAreOpenAndListTheirValues() {
        #expect(AuthFlowType.allRawValues.contains("USER_SRP_AUTH"))
        #expect(AuthFlowType(rawValue: "NOT_A_FLOW").rawValue == "NOT_A_FLOW")
    }
}
