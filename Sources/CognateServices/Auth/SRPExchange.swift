import CognateCrypto
import CognitoModel
import Foundation

/// The server side of one SRP exchange, for a user's password or for a remembered device: B from the
/// stored verifier, then the client's PASSWORD_CLAIM_SIGNATURE checked against the shared key.
struct SRPExchange {
    let deps: ServiceDependencies

    /// Starts an exchange for the client's SRP_A: the state the session keeps, SRP_B and the secret block.
    func start(srpA: String, verifier: [UInt8]) throws(CognitoError) -> (state: [String: String], srpB: String, secretBlock: String) {
        guard let aBytes = BigEndian.bytes(fromHex: srpA), aBytes.contains(where: { $0 != 0 }) else {
            throw Errors.invalidParameter("SRP_A is not a valid hexadecimal number.")
        }
        let b = deps.random.bytes(32)
        let bigB = BigEndian.hexWithoutLeadingZeros(CognitoSRP.shared.serverPublic(verifier: verifier, secret: b))
        let secretBlock = Data(deps.random.bytes(64)).base64EncodedString()
        return (["b": BigEndian.hexWithoutLeadingZeros(b), "B": bigB, "A": srpA], bigB, secretBlock)
    }

    /// Whether the claim in `responses` proves the secret behind `verifier`. `signingName` and `userID` are
    /// what the client signs with: the pool and the user (USER_ID_FOR_SRP), or the device group and key.
    func claimHolds(
        _ responses: [String: String], state: [String: String], verifier: [UInt8], signingName: String, userID: String
    ) throws(CognitoError) -> Bool {
        guard let signature = responses["PASSWORD_CLAIM_SIGNATURE"].flatMap({ Data(base64Encoded: $0) }),
              let block = responses["PASSWORD_CLAIM_SECRET_BLOCK"].flatMap({ Data(base64Encoded: $0) }),
              let timestamp = responses["TIMESTAMP"],
              let b = state["b"].flatMap(BigEndian.bytes(fromHex:)),
              let bigB = state["B"].flatMap(BigEndian.bytes(fromHex:)),
              let a = state["A"].flatMap(BigEndian.bytes(fromHex:))
        else { return false }
        guard let date = SRPTimestamp.parse(timestamp), abs(date.timeIntervalSince(deps.clock.now())) <= 300 else {
            throw CognitoError(.notAuthorizedException, "The TIMESTAMP is not in Cognito's format or is too far from the server's time.")
        }
        guard let key = CognitoSRP.shared.sessionKey(clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: verifier) else {
            return false
        }
        let expected = CognitoSRP.claimSignature(key: key, poolID: signingName, userID: userID, secretBlock: Array(block), timestamp: timestamp)
        return CognitoSRP.constantTimeEqual(expected, Array(signature))
    }
}
