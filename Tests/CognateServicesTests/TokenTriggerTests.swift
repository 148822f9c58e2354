import CognitoModel
import Testing

@testable import CognateServices

/// PreTokenGeneration's edits applied to claim sets, and the answers refused.
@Suite struct TokenTriggerTests {
    @Test func suppressionWinsAndValuesKeepTheirTypes() throws {
        var claims: [String: Claim] = ["email": .string("a@example.com"), "sub": .string("s")]
        try TokenTriggers.edit(
            &claims,
            with: [
                "claimsToAddOrOverride": .object([
                    "email": .string("b@example.com"), "n": .number(2), "r": .number(0.25),
                    "o": .object(["k": .array([.number(1), .string("x")])]),
                ]),
                "claimsToSuppress": .array([.string("email")]),
            ], anyJSON: true)
        #expect(claims["email"] == nil && claims["sub"] == .string("s"))
        #expect(claims["n"] == .int(2) && claims["r"] == .number(0.25))
        #expect(claims["o"] == .object(["k": .list([.int(1), .string("x")])]))
    }

    @Test func reservedClaimsAndWrongShapesAreRefused() {
        for edits: [String: JSONValue] in [
            ["claimsToAddOrOverride": .object(["iss": .string("x")])],
            ["claimsToSuppress": .array([.string("cognito:username")])],
            ["claimsToAddOrOverride": .object(["v": .null])],
            ["claimsToAddOrOverride": .array([])],
            ["claimsToSuppress": .array([.number(1)])],
            ["claimsToAddOrOverride": .object(["": .string("x")])],
        ] {
            var claims: [String: Claim] = [:]
            #expect(throws: Triggers.unrecognizable) { try TokenTriggers.edit(&claims, with: edits, anyJSON: true) }
        }
        var claims: [String: Claim] = [:]
        #expect(throws: Triggers.unrecognizable) {
            try TokenTriggers.edit(&claims, with: ["claimsToAddOrOverride": .object(["l": .array([.string("a")])])], anyJSON: false)
        }
    }

    @Test func scopesAreEditedInOrder() throws {
        var claims: [String: Claim] = ["scope": .string("openid email")]
        try TokenTriggers.editScopes(
            &claims,
            with: [
                "scopesToAdd": .array([.string("api/read"), .string("openid"), .string("api/gone")]),
                "scopesToSuppress": .array([.string("email"), .string("api/gone")]),
            ])
        #expect(claims["scope"] == .string("openid api/read"))
        #expect(throws: Triggers.unrecognizable) { try TokenTriggers.editScopes(&claims, with: ["scopesToAdd": .array([.string("a b")])]) }
    }

    @Test func anEmptyGroupOverrideRemovesTheGroups() throws {
        var claims = TokenTriggers.Claims(access: ["cognito:groups": .strings(["a"])], id: ["cognito:groups": .strings(["a"])])
        try TokenTriggers.overrideGroups(&claims, with: ["groupsToOverride": .array([])])
        #expect(claims.access["cognito:groups"] == nil && claims.id?["cognito:groups"] == nil)
        try TokenTriggers.overrideGroups(&claims, with: ["groupsToOverride": .array([.string("b")]), "preferredRole": .string("r")])
        #expect(claims.access["cognito:groups"] == .strings(["b"]) && claims.id?["cognito:preferred_role"] == .string("r"))
    }
}
