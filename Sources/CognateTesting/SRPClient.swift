import CognateCrypto
import Crypto
import Foundation

/// The client's side of Cognito's SRP-6a, as the SDKs compute it: `SRP_A` to start, then the
/// `PASSWORD_CLAIM_SIGNATURE` for the server's `PASSWORD_VERIFIER` challenge.
public struct SRPClient: Sendable {
    let srp = CognitoSRP.shared
    /// The client's secret a.
    let secret: [UInt8]
    let publicValue: [UInt8]

    /// `secret`: the client's random a (32 bytes; tests pass fixed ones).
    public init(secret: [UInt8]) {
        self.secret = secret
        publicValue = Montgomery.bigEndianBytes(srp.group.power(srp.generator, secret))
    }

    /// A = g^a mod N in hex, as `SRP_A`.
    public var publicHex: String { BigEndian.hexWithoutLeadingZeros(publicValue) }

    /// The base64 `PASSWORD_CLAIM_SIGNATURE` for a `PASSWORD_VERIFIER` challenge's parameters.
    public func claimSignature(
        poolID: String, userID: String, password: String, saltHex: String, serverPublicHex: String, secretBlock: String, timestamp: String
    ) -> String {
        let group = srp.group
        let b = BigEndian.bytes(fromHex: serverPublicHex) ?? []
        let trimmedA = Array(publicValue.drop { $0 == 0 })
        let u = Array(SHA256.hash(data: BigEndian.signPadded(trimmedA) + BigEndian.signPadded(Array(b.drop { $0 == 0 }))))
        let x = srp.privateKey(poolID: poolID, userID: userID, password: password, saltHex: saltHex)
        let gx = group.power(srp.generator, x)
        let bValue = group.reducedOnce(Montgomery.limbs(fromBigEndian: Array(b.drop { $0 == 0 }), width: group.width))
        // S = (B − k·g^x)^(a + u·x) = base^a · (base^x)^u
        let base = group.subtract(bValue, group.multiply(srp.multiplier, gx))
        let s = group.multiply(group.power(base, secret), group.power(group.power(base, x), u))
        let key = CognitoSRP.derivedKey(s: Montgomery.bigEndianBytes(s), u: u)
        let block = Array(Data(base64Encoded: secretBlock) ?? Data())
        let signature = CognitoSRP.claimSignature(key: key, poolID: poolID, userID: userID, secretBlock: block, timestamp: timestamp)
        return Data(signature).base64EncodedString()
    }
}
