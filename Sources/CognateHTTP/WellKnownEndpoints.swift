import CognateServices
import CognateStorage
import Foundation
import Hummingbird

/// `/{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`: what JWT and OIDC
/// libraries fetch to verify a pool's tokens.
struct WellKnownEndpoints {
    let dependencies: ServiceDependencies

    func add(to router: Router<some RequestContext>) {
        router.get("/:poolId/.well-known/jwks.json") { _, context -> Response in
            let poolID = try context.parameters.require("poolId")
            guard (try await StorageError.ifPresent({ try await dependencies.storage.userPool(id: poolID) })) != nil else {
                return Self.notFound(poolID)
            }
            return try TestSupportEndpoints.json(try await dependencies.keyRing.jwks(poolID: poolID))
        }
        router.get("/:poolId/.well-known/openid-configuration") { _, context -> Response in
            let poolID = try context.parameters.require("poolId")
            guard let pool = try await StorageError.ifPresent({ try await dependencies.storage.userPool(id: poolID) }) else {
                return Self.notFound(poolID)
            }
            let issuer = dependencies.configuration.issuer(of: pool)
            var configuration = OpenIDConfiguration(
                issuer: issuer, jwksURI: dependencies.configuration.jwksURI(poolID: poolID), endpoints: dependencies.configuration.publicBaseURL)
            // Said only while it is true: a pool with a CIMD policy accepts clients named by their metadata URL.
            if try await !dependencies.storage.listCIMDPolicies(poolID: poolID, PageRequest(limit: 1)).items.isEmpty {
                configuration.clientIDMetadataDocumentSupported = true
            }
            return try TestSupportEndpoints.json(configuration)
        }
    }

    static func notFound(_ poolID: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["message": "User pool \(poolID.prefix(64)) does not exist."])) ?? Data()
        return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The OIDC discovery document of a pool: every endpoint it names is served, at Cognate's own address.
struct OpenIDConfiguration: Encodable {
    var issuer: String
    var jwksURI: String
    var tokenEndpoint: String
    var authorizationEndpoint: String
    var userinfoEndpoint: String
    var revocationEndpoint: String
    var endSessionEndpoint: String
    var tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
    var responseTypesSupported = ["code", "token"]
    var subjectTypesSupported = ["public"]
    var idTokenSigningAlgValuesSupported = ["RS256"]
    var scopesSupported = ["openid", "email", "phone", "profile"]
    /// draft-ietf-oauth-client-id-metadata-document: present (true) only when the pool has a CIMD policy.
    var clientIDMetadataDocumentSupported: Bool?
    var claimsSupported = [
        "sub", "iss", "aud", "exp", "iat", "auth_time", "email", "email_verified", "phone_number", "phone_number_verified",
        "cognito:username", "cognito:groups",
    ]

    /// `endpoints` is the base URL the OAuth endpoints are served at.
    init(issuer: String, jwksURI: String, endpoints: String) {
        self.issuer = issuer
        self.jwksURI = jwksURI
        tokenEndpoint = endpoints + "/oauth2/token"
        authorizationEndpoint = endpoints + "/oauth2/authorize"
        userinfoEndpoint = endpoints + "/oauth2/userInfo"
        revocationEndpoint = endpoints + "/oauth2/revoke"
        endSessionEndpoint = endpoints + "/logout"
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case tokenEndpoint = "token_endpoint"
        case authorizationEndpoint = "authorization_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case responseTypesSupported = "response_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case scopesSupported = "scopes_supported"
        case claimsSupported = "claims_supported"
        case clientIDMetadataDocumentSupported = "client_id_metadata_document_supported"
    }
}
