import CognitoModel
import Testing

@testable import CognateServices

/// The rules of RFC 8693 token exchange that do not need a pool: which scopes the issued token gets, and how
/// the API's errors read at the token endpoint.
@Suite struct TokenExchangeTests {
    let held = ["openid", "orders/read", "orders/write"]

    @Test func withoutARequestTheSubjectsScopesCarryOver() throws {
        #expect(try TokenExchange.grantedScopes(asked: nil, held: held, allowed: []) == held)
    }

    @Test func aRequestIsNarrowedToWhatTheSubjectHasAndTheClientMay() throws {
        let granted = try TokenExchange.grantedScopes(
            asked: ["orders/write", "orders/read", "billing/read"], held: held, allowed: ["orders/read", "billing/read"])
        #expect(granted == ["orders/read"])
    }

    @Test func nothingLeftIsRefused() {
        #expect(throws: CognitoError.self) {
            try TokenExchange.grantedScopes(asked: ["billing/read"], held: held, allowed: ["billing/read"])
        }
    }

    @Test func apiErrorsBecomeTokenEndpointErrors() {
        #expect(TokenExchangeGrant.oauthError(CognitoError(.notAuthorizedException, "Invalid subject token.")).code == "invalid_grant")
        #expect(TokenExchangeGrant.oauthError(CognitoError(.userNotFoundException, "User does not exist.")).code == "invalid_grant")
        #expect(TokenExchangeGrant.oauthError(Errors.invalidParameter("None of the requested scopes is …")).code == "invalid_scope")
        #expect(
            TokenExchangeGrant.oauthError(Errors.invalidParameter("Resource x is not a resource server of this user pool.")).code
                == "invalid_target")
        #expect(
            TokenExchangeGrant.oauthError(Errors.invalidParameter("ActorTokenType is required when ActorToken is provided.")).code
                == "invalid_request")
    }
}
