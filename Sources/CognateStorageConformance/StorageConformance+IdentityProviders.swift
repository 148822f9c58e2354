import CognateStorage
import Foundation

extension StorageConformance {
    static let identityProviderChecks: [String: Check] = [
        "identityProvidersCRUDAndPages": identityProvidersCRUDAndPages,
        "identityProviderIdentifiersAreUniquePerPool": identityProviderIdentifiersAreUniquePerPool,
    ]

    static func identityProvider(_ name: String, pool: String = "us-east-1_Pool1", identifiers: [String] = []) -> IdentityProvider {
        IdentityProvider(
            poolID: pool, name: name, type: "OIDC", details: ["client_id": "c-\(name)", "client_secret": "s3cret-\(name)"],
            attributeMapping: ["email": "email"], identifiers: identifiers, creationDate: date, lastModifiedDate: date)
    }

    static func identityProvidersCRUDAndPages(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await expectError(.notFound, "provider of a missing pool") {
            try await s.createIdentityProvider(identityProvider("x", pool: "us-east-1_None"))
        }
        for name in ["Okta", "Entra", "Google"] { try await s.createIdentityProvider(identityProvider(name)) }
        try await expectError(.alreadyExists(key: ""), "same name twice") { try await s.createIdentityProvider(identityProvider("Okta")) }
        try expect(
            try await s.identityProvider(poolID: "us-east-1_Pool1", name: "Okta").details["client_secret"] == "s3cret-Okta",
            "details read back as written")
        let first = try await s.listIdentityProviders(poolID: "us-east-1_Pool1", PageRequest(limit: 2))
        try expect(first.items.map(\.name) == ["Entra", "Google"] && first.nextToken != nil, "first page")
        let second = try await s.listIdentityProviders(poolID: "us-east-1_Pool1", PageRequest(token: first.nextToken, limit: 2))
        try expect(second.items.map(\.name) == ["Okta"] && second.nextToken == nil, "last page")
        try await s.updateIdentityProvider(poolID: "us-east-1_Pool1", name: "Okta") {
            $0.details["client_secret"] = "new"
            $0.name = "renamed"
        }
        let okta = try await s.identityProvider(poolID: "us-east-1_Pool1", name: "Okta")
        try expect(okta.details["client_secret"] == "new", "update is stored, name kept")
        try await expectError(.notFound, "update of a missing provider") {
            try await s.updateIdentityProvider(poolID: "us-east-1_Pool1", name: "Nope") { _ in }
        }
        try await s.deleteIdentityProvider(poolID: "us-east-1_Pool1", name: "Okta")
        try await expectError(.notFound, "deleted provider") { _ = try await s.identityProvider(poolID: "us-east-1_Pool1", name: "Okta") }
        try await expectError(.notFound, "delete twice") { try await s.deleteIdentityProvider(poolID: "us-east-1_Pool1", name: "Okta") }
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await s.createUserPool(pool())
        try expect(try await s.listIdentityProviders(poolID: "us-east-1_Pool1", PageRequest(limit: 10)).items.isEmpty, "deleted with the pool")
    }

    static func identityProviderIdentifiersAreUniquePerPool(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        try await s.createUserPool(pool("us-east-1_Pool2"))
        try await s.createIdentityProvider(identityProvider("Okta", identifiers: ["example.com", "corp"]))
        try expect(try await s.identityProvider(poolID: "us-east-1_Pool1", identifier: "corp").name == "Okta", "found by identifier")
        try await expectError(.alreadyExists(key: ""), "an identifier another provider has") {
            try await s.createIdentityProvider(identityProvider("Entra", identifiers: ["example.com"]))
        }
        try await expectError(.notFound, "a refused create leaves nothing") {
            _ = try await s.identityProvider(poolID: "us-east-1_Pool1", name: "Entra")
        }
        try await s.createIdentityProvider(identityProvider("Okta", pool: "us-east-1_Pool2", identifiers: ["example.com"]))
        try await s.createIdentityProvider(identityProvider("Entra", identifiers: ["entra"]))
        try await expectError(.alreadyExists(key: ""), "an update taking another's identifier") {
            try await s.updateIdentityProvider(poolID: "us-east-1_Pool1", name: "Entra") { $0.identifiers = ["corp"] }
        }
        try expect(try await s.identityProvider(poolID: "us-east-1_Pool1", name: "Entra").identifiers == ["entra"], "refused update leaves it")
        // Identifiers a provider drops are free again; a deleted provider's too.
        try await s.updateIdentityProvider(poolID: "us-east-1_Pool1", name: "Okta") { $0.identifiers = ["example.com"] }
        try await s.updateIdentityProvider(poolID: "us-east-1_Pool1", name: "Entra") { $0.identifiers = ["corp"] }
        try await s.deleteIdentityProvider(poolID: "us-east-1_Pool1", name: "Okta")
        try await s.createIdentityProvider(identityProvider("Ping", identifiers: ["example.com"]))
        try await expectError(.notFound, "an identifier nobody has") {
            _ = try await s.identityProvider(poolID: "us-east-1_Pool1", identifier: "none")
        }
    }
}

extension StorageConformance {
    static let federationStateChecks: [String: Check] = [
        "federationStatesAreTakenOnce": federationStatesAreTakenOnce
    ]

    static func federationStatesAreTakenOnce(_ s: any Storage) async throws {
        try await s.createUserPool(pool())
        let state = FederationState(
            stateHash: "h1", poolID: "us-east-1_Pool1", providerName: "Okta", authorizeQuery: ["client_id": "c", "state": "x"], nonce: "n",
            codeVerifier: "v", expiresAt: date.addingTimeInterval(600))
        try await s.createFederationState(state)
        try expect(try await s.takeFederationState(hash: "h1") == state, "taken as stored")
        try await expectError(.notFound, "taken twice") { _ = try await s.takeFederationState(hash: "h1") }
        try await expectError(.notFound, "state of a missing pool") {
            var other = state
            other.poolID = "us-east-1_None"
            try await s.createFederationState(other)
        }
        var again = state
        again.stateHash = "h2"
        try await s.createFederationState(again)
        try await s.deleteUserPool(id: "us-east-1_Pool1")
        try await expectError(.notFound, "deleted with the pool") { _ = try await s.takeFederationState(hash: "h2") }
    }
}
