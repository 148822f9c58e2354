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
