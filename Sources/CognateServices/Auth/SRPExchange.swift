import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// The server side of one SRP exchange, for a user's password or for a remembered device: B from the
/// stored verifier, then the client's PASSWORD_CLAIM_SIGNATURE checked against the shared key.
struct SRPExchange {
    let deps: ServiceDependencies

    /// Starts an exchange for the client's SRP_A: the values the session keeps, SRP_B and the secret block.
    func start(srpA: String, verifier: [UInt8]) throws(CognitoError) -> (srp: SignInState.SRPValues, srpB: String, secretBlock: String) {
        try Self.checkClientPublic(srpA)
        let b = deps.random.bytes(32)
        let bigB = BigEndian.hexWithoutLeadingZeros(CognitoSRP.shared.serverPublic(verifier: verifier, secret: b))
        let secretBlock = Data(deps.random.bytes(64)).base64EncodedString()
        return (SignInState.SRPValues(clientPublic: srpA, serverPublic: bigB, serverSecret: BigEndian.hexWithoutLeadingZeros(b)), bigB, secretBlock)
    }

    /// Longest SRP_A accepted as text: the modulus in hex, with room for sign and padding zeros.
    static let maxClientPublicHex = 2 * 384 + 64

    /// Refuses an SRP_A the group does not allow before anything is stored for it: not hexadecimal, wider
    /// than the modulus, or a multiple of N (which would fix the session key whatever the password).
    static func checkClientPublic(_ srpA: String) throws(CognitoError) {
        guard srpA.utf8.count <= maxClientPublicHex, let bytes = BigEndian.bytes(fromHex: srpA) else {
            throw Errors.invalidParameter("SRP_A is not a valid hexadecimal number of the 3072-bit group.")
        }
        guard CognitoSRP.shared.acceptsClientPublic(bytes) else {
            throw CognitoError(.notAuthorizedException, "SRP_A is not valid: it must not be 0 modulo N.")
        }
    }

    /// Whether the claim in `responses` proves the secret behind `verifier`. `signingName` and `userID` are
    /// what the client signs with: the pool and the user (USER_ID_FOR_SRP), or the device group and key.
    func claimHolds(
        _ responses: [String: String], srp: SignInState.SRPValues?, verifier: [UInt8], signingName: String, userID: String
    ) throws(CognitoError) -> Bool {
        guard let signature = responses["PASSWORD_CLAIM_SIGNATURE"].flatMap({ Data(base64Encoded: $0) }),
            let block = responses["PASSWORD_CLAIM_SECRET_BLOCK"].flatMap({ Data(base64Encoded: $0) }),
            let timestamp = responses["TIMESTAMP"],
            let srp,
            let b = BigEndian.bytes(fromHex: srp.serverSecret),
            let bigB = BigEndian.bytes(fromHex: srp.serverPublic),
            let a = BigEndian.bytes(fromHex: srp.clientPublic)
        else { return false }
        guard let date = SRPTimestamp.parse(timestamp), abs(date.timeIntervalSince(deps.clock.now())) <= 300 else {
            throw CognitoError(.notAuthorizedException, "The TIMESTAMP is not in Cognito's format or is too far from the server's time.")
        }
        guard let key = CognitoSRP.shared.sessionKey(clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: verifier) else {
            return false
        }
        let expected = CognitoSRP.claimSignature(key: key, poolID: signingName, userID: userID, secretBlock: Array(block), timestamp: timestamp)
        return ConstantTime.equal(expected, Array(signature))
    }
}
