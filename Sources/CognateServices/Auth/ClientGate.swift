import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation

/// The checks every authentication call makes of its app client, in one place: the client exists,
/// allows the flow, and — when it has a secret — the request carries a SECRET_HASH made with it.
struct ClientGate {
    let deps: ServiceDependencies

    /// The client and its pool. `poolID` is checked when the call names one (the Admin variants).
    func resolve(clientID: String, poolID: String? = nil) async throws -> (pool: UserPool, client: AppClient) {
        let client = try await StorageError.map(notFound: Errors.clientNotFound(clientID)) {
            try await deps.storage.appClient(clientID: clientID)
        }
        if let poolID, poolID != client.poolID { throw Errors.clientNotFound(clientID) }
        let pool = try await UserPoolService(deps).load(client.poolID)
        return (pool, client)
    }

    /// The flows a client allows when it names none.
    static let defaultFlows: [ExplicitAuthFlowsType] = [.allowRefreshTokenAuth, .allowUserSrpAuth, .allowCustomAuth]

    static func requireFlow(_ flow: AuthFlowType, _ client: AppClient) throws(CognitoError) {
        let flows = Set(client.settings.explicitAuthFlows ?? Self.defaultFlows)
        let legacyOnly = !flows.contains { $0.rawValue.hasPrefix("ALLOW_") }
        let allowed: Bool
        switch flow {
        case .userPasswordAuth:
            allowed = flows.contains(.allowUserPasswordAuth) || flows.contains(.userPasswordAuth)
        case .adminUserPasswordAuth, .adminNoSrpAuth:
            allowed = flows.contains(.allowAdminUserPasswordAuth) || flows.contains(.adminNoSrpAuth)
        case .userSrpAuth:
            allowed = flows.contains(.allowUserSrpAuth) || legacyOnly
        case .refreshTokenAuth, .refreshToken:
            allowed = flows.contains(.allowRefreshTokenAuth) || legacyOnly
        case .userAuth:
            allowed = flows.contains(.allowUserAuth)
        case .customAuth:
            allowed = flows.contains(.allowCustomAuth) || flows.contains(.customAuthFlowOnly)
        default:
            allowed = false
        }
        guard allowed else {
            throw Errors.invalidParameter("\(flow.rawValue) flow not enabled for this client")
        }
    }

    /// Where a request carries its SECRET_HASH, which decides AWS's words when it is missing.
    enum SecretHashPlace {
        /// In AuthParameters or ChallengeResponses (InitiateAuth, RespondToAuthChallenge and their Admin forms):
        /// "Client <id> is configured with secret but SECRET_HASH was not received".
        case parameters
        /// The request's SecretHash member (SignUp, ConfirmSignUp, ForgotPassword, …): AWS answers a missing
        /// one as a wrong one, "Unable to verify secret hash for client <id>".
        case member
    }

    static func secretHashMismatch(_ client: AppClient) -> CognitoError {
        CognitoError(.notAuthorizedException, "Unable to verify secret hash for client \(client.clientID)")
    }

    /// AWS's answer when a client with a secret sends no SECRET_HASH in the request's parameters; `name` is
    /// what was expected (a ClientSecret member is answered in the same form).
    static func secretNotReceived(_ client: AppClient, name: String = "SECRET_HASH") -> CognitoError {
        CognitoError(.notAuthorizedException, "Client \(client.clientID) is configured with secret but \(name) was not received")
    }

    /// Checks a client secret sent as such (GetTokensFromRefreshToken, GetDerivedToken): one of the client's
    /// secrets, compared in constant time. A client without a secret takes none.
    func requireClientSecret(_ given: String?, _ client: AppClient) throws(CognitoError) {
        guard !client.secrets.isEmpty else { return }
        guard let given else { throw Self.secretNotReceived(client, name: "ClientSecret") }
        guard client.secrets.contains(where: { ConstantTime.equal(Array($0.value.utf8), Array(given.utf8)) }) else {
            throw CognitoError(.notAuthorizedException, "Unable to verify the client secret for client \(client.clientID).")
        }
    }

    /// Checks SECRET_HASH against each of the client's secrets; `usernames` are the names it may have been
    /// computed with, `place` where the request carries it. A client without a secret takes none.
    func requireSecretHash(_ given: String?, usernames: [String], _ client: AppClient, in place: SecretHashPlace) throws(CognitoError) {
        guard !client.secrets.isEmpty else { return }
        let failure = Self.secretHashMismatch(client)
        guard let given else { throw place == .parameters ? Self.secretNotReceived(client) : failure }
        guard let givenBytes = Data(base64Encoded: given) else { throw failure }
        for secret in client.secrets {
            for username in usernames {
                let expected = HMAC<SHA256>.authenticationCode(
                    for: Data((username + client.clientID).utf8), using: SymmetricKey(data: Data(secret.value.utf8)))
                if ConstantTime.equal(Array(expected), Array(givenBytes)) { return }
            }
        }
        throw failure
    }
}
