import CognateStorage
import CognitoModel
import Foundation
import Testing

@testable import CognateServices

/// How a provider's claims become a federated user's attributes and identities.
@Suite struct FederatedUsersTests {
    let provider = IdentityProvider(
        poolID: "p", name: "Corp", type: "OIDC", details: [:],
        attributeMapping: ["username": "sub", "email": "mail", "custom:groups": "groups", "custom:age": "age", "custom:vip": "vip"],
        creationDate: Date(), lastModifiedDate: Date())

    @Test func claimsBecomeAttributeText() {
        let claims: [String: JSONValue] = [
            "sub": .string("S1"), "mail": .string("a@example.com"), "groups": .array([.string("a b"), .string("c/d")]),
            "age": .number(42), "vip": .bool(true), "unmapped": .string("x"),
        ]
        let attributes = Dictionary(uniqueKeysWithValues: FederatedUsers.mapped(claims, provider: provider).map { ($0.name, $0.value ?? "") })
        #expect(
            attributes == [
                "email": "a@example.com", "email_verified": "false", "custom:groups": "a%20b,c%2Fd", "custom:age": "42", "custom:vip": "true",
            ])
        #expect(FederatedUsers.text(.object([:])) == nil && FederatedUsers.text(.null) == nil)
        #expect(FederatedUsers.text(.number(1.5)) == "1.5")
    }

    @Test func namesAreLowerCasedAndIdentitiesAccumulate() throws {
        #expect(FederatedUsers.username(provider: provider, subject: "AbC") == "corp_abc")
        let first = FederatedUsers.identities(nil, provider: provider, subject: "S1", since: Date(timeIntervalSince1970: 1_700_000_000))
        let again = FederatedUsers.identities(first, provider: provider, subject: "S1", since: Date())
        #expect(again == first)
        var other = provider
        other.name = "Other"
        let both = FederatedUsers.identities(first, provider: other, subject: "S2", since: Date())
        let list = try #require(try JSONSerialization.jsonObject(with: Data(both.utf8)) as? [[String: Any]])
        #expect(list.count == 2 && list[0]["primary"] as? Bool == true && list[1]["primary"] as? Bool == false)
        #expect(list[0]["dateCreated"] as? Int == 1_700_000_000_000 && list[0]["userId"] as? String == "S1")
        // The ID token's form: strings for primary and dateCreated, null issuer.
        guard case .list(let claims) = TokenIssuer.identities(first), case .object(let identity)? = claims.first else {
            Issue.record("identities is not a list of objects")
            return
        }
        #expect(identity["primary"] == .string("true") && identity["dateCreated"] == .string("1700000000000") && identity["issuer"] == .null)
    }
}
