import CognateStorage
import CognitoModel

/// InboundFederation: at a federated sign-in, before the provider's attributes are mapped, the function
/// sees what the provider answered (for OIDC and the social providers the token response, the ID token's
/// claims and the user-info answer) and may answer the attributes to map instead: "All attributes to be
/// retained must be included; omitted attributes are dropped", and an empty answer keeps them all.
struct FederationTriggers {
    let deps: ServiceDependencies

    /// The provider's attributes to map, as the function answers them; nil keeps the provider's own.
    func inbound(
        provider: IdentityProvider, userName: String, clientID: String, pool: UserPool, attributes: [String: JSONValue]
    ) async throws(CognitoError) -> [String: String]? {
        guard let function = Triggers.function(.inboundFederation, in: pool) else { return nil }
        let request: [String: JSONValue] = [
            "providerName": .string(provider.name), "providerType": .string(provider.type),
            "attributes": .object(attributes),
        ]
        let event = TriggerEvent(
            source: "InboundFederation_ExternalProvider", pool: pool, userName: userName, clientID: clientID, request: request,
            response: ["userAttributesToMap": .null])
        let response = try await Triggers(deps: deps).run(.inboundFederation, function: function, event: event)
        guard let map = try Triggers.strings(response, "userAttributesToMap"), !map.isEmpty else { return nil }
        return map
    }
}
