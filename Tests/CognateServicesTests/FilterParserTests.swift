import CognateStorage
import CognitoModel
import Testing

@testable import CognateServices

/// ListUsers filter strings parse as AWS documents them, and malformed ones are refused.
@Suite struct FilterParserTests {
    @Test func exactAndPrefixMatches() throws {
        #expect(try FilterParser.parse(#"email = "a@example.com""#) == UserFilter(field: .email, match: .equals, value: "a@example.com"))
        #expect(try FilterParser.parse(#"given_name ^= "Jo""#) == UserFilter(field: .givenName, match: .prefix, value: "Jo"))
        #expect(try FilterParser.parse(#"cognito:user_status="CONFIRMED""#) == UserFilter(field: .userStatus, match: .equals, value: "CONFIRMED"))
        #expect(try FilterParser.parse(#"  status = "Enabled"  "#) == UserFilter(field: .status, match: .equals, value: "Enabled"))
    }

    @Test func escapedQuotesBelongToTheValue() throws {
        #expect(try FilterParser.parse(#"family_name = "O\"Brien""#)?.value == #"O"Brien"#)
    }

    @Test func emptyFilterIsNoFilter() throws {
        #expect(try FilterParser.parse("") == nil)
        #expect(try FilterParser.parse("   ") == nil)
    }

    @Test(arguments: [#"email"#, #"email = a@b.c"#, #"email = "unterminated"#, #"email ~ "x""#, #"custom:x = "1""#, #"email = "a" extra"#])
    func malformedFiltersAreRefused(_ text: String) {
        #expect(throws: CognitoError.self) { try FilterParser.parse(text) }
    }
}
