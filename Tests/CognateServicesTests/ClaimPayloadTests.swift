import Foundation
import Testing

@testable import CognateServices

/// Token payloads are written directly; they read as the JSON Foundation's encoder writes with sorted keys and
/// unescaped slashes, keys in the same order.
@Suite struct ClaimPayloadTests {
    static let claims: [String: Claim] = [
        "sub": .string("4f1e2d3c-aaaa-bbbb-cccc-0123456789ab"), "iss": .string("http://127.0.0.1:9229/us-east-1_Pool1"),
        "auth_time": .int(1_764_806_400), "email_verified": .bool(true), "cognito:groups": .strings(["admins", "r/w"]),
        "ratio": .number(0.25), "big": .number(1e21), "whole": .number(3), "issuer": .null,
        "quoted": .string("a \"quote\", a back\\slash, a tab\t, a newline\n, a bell\u{7}, é, 日本, 🙂"),
        "mixed": .list([.int(1), .string("two"), .bool(false), .null, .object(["z": .int(1), "a": .int(2)])]),
        "act": .object(["sub": .string("actor"), "client_id": .string("c1"), "act": .object(["sub": .string("earlier")])]),
        "Zeta": .string("capitals sort first"), "_under": .string("then underscores"),
    ]

    @Test func aPayloadIsTheJSONFoundationWouldWriteWithKeysInTheSameOrder() throws {
        let written = Claim.payload(Self.claims)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = try encoder.encode(Self.claims)
        let parsed = try JSONSerialization.jsonObject(with: written) as? NSDictionary
        #expect(parsed == (try JSONSerialization.jsonObject(with: foundation) as? NSDictionary))
        // Read back as claims (a whole `number` reads as an int, as from Foundation's JSON).
        var expected = Self.claims
        expected["whole"] = .int(3)
        #expect(try JSONDecoder().decode([String: Claim].self, from: written) == expected)
        // Keys in Foundation's order at every level, slashes as they are.
        let text = String(decoding: written, as: UTF8.self)
        let keys = ["\"Zeta\"", "\"_under\"", "\"act\"", "\"auth_time\"", "\"big\"", "\"cognito:groups\"", "\"email_verified\""]
        let positions = keys.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions == positions.sorted { $0! < $1! })
        #expect(text.contains("http://127.0.0.1:9229/us-east-1_Pool1") && text.contains("\"r/w\""))
        #expect(text.contains("{\"a\":2,\"z\":1}"))
    }

    @Test func anEmptyClaimSetIsAnEmptyObject() {
        #expect(Claim.payload([:]) == Data("{}".utf8))
    }
}
