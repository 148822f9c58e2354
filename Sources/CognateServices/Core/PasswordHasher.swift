import CognateCrypto
import CognateStorage
import Foundation

/// Turns passwords into SRP verifiers and checks a password against one. A verifier depends on the pool
/// and on the user's real username (Cognito's USER_ID_FOR_SRP), so both are needed.
struct PasswordHasher {
    let random: any RandomSource

    func credential(for password: String, poolID: String, username: String, at date: Date) -> PasswordCredential {
        let saltHex = CognitoSRP.saltHex(random: random.bytes(16))
        let verifier = CognitoSRP.shared.verifier(poolID: poolID, userID: username, password: password, saltHex: saltHex)
        return PasswordCredential(saltHex: saltHex, verifier: Data(verifier), setAt: date)
    }

    static func matches(_ password: String, poolID: String, username: String, _ credential: PasswordCredential) -> Bool {
        let candidate = CognitoSRP.shared.verifier(poolID: poolID, userID: username, password: password, saltHex: credential.saltHex)
        return ConstantTime.equal(candidate, Array(credential.verifier))
    }
}
