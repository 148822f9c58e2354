import CognateCrypto
import CognateStorage
import CognitoModel
import Crypto
import Foundation

/// The stand-in for a user who does not exist, for app clients with PreventUserExistenceErrors ENABLED
/// (AWS's "Managing user existence error responses"). The stand-in goes through the same steps as a
/// real user: the password is checked against a verifier (one exponentiation, as for a real user),
/// SRP's first step answers a real-looking B with the same salt and user ID for the same name every
/// time, a wrong answer is written down as for a real user; it just never holds a right password.
/// It is derived from the name with a server-side key, so nothing distinguishes it by asking twice,
/// and it is never stored.
enum SimulatedUser {
    /// The status of a stand-in; no stored user has it.
    /// The status of a stand-in; no stored user has it, and no answer shows it.
    static let status = UserStatusType(rawValue: "SIMULATED")

    static func isSimulated(_ user: User) -> Bool { user.status == status }

    static func make(name: String, pool: UserPool, key: SymmetricKey, directory: UserDirectory) -> User {
        let usernameKey = directory.usernameKey(name)
        let stream = DerivedBytes(key: key, seed: pool.id + "\u{0}" + usernameKey)
        let sub = stream.uuid()
        // Pools that sign in with an email or phone give their users a UUID as username.
        let username = pool.settings.usernameAttributes?.isEmpty == false ? stream.uuid() : name
        let saltHex = CognitoSRP.saltHex(random: stream.bytes(16))
        // A verifier is g^x mod N, which looks like any number below N; the top byte is kept below N's.
        var verifier = stream.bytes(CognitoSRP.shared.modulusLength)
        verifier[0] &= 0x7F
        let created = Date(timeIntervalSince1970: 1_600_000_000)
        return User(
            poolID: pool.id, username: username, usernameKey: usernameKey, sub: sub,
            attributes: [UserAttribute(name: "sub", value: sub)], status: status, enabled: true,
            creationDate: created, lastModifiedDate: created,
            password: PasswordCredential(saltHex: saltHex, verifier: Data(verifier), setAt: created))
    }

    /// Where a code for a stand-in would have gone, as ForgotPassword and ResendConfirmationCode report
    /// it: the name itself when it is an address, else an address of the kind the pool verifies.
    static func delivery(name: String, pool: UserPool, key: SymmetricKey, preferPhone: Bool) -> CodeDeliveryDetailsType {
        if AttributeRules.isEmail(name) {
            return CodeDeliveryDetailsType(destination: Codes.mask(name, medium: .email), deliveryMedium: .email, attributeName: "email")
        }
        if AttributeRules.isPhoneNumber(name) {
            return CodeDeliveryDetailsType(destination: Codes.mask(name, medium: .sms), deliveryMedium: .sms, attributeName: "phone_number")
        }
        let stream = DerivedBytes(key: key, seed: "delivery\u{0}" + pool.id + "\u{0}" + name)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        if preferPhone {
            let digits = stream.bytes(4).map { String($0 % 10) }.joined()
            return CodeDeliveryDetailsType(destination: "+*******" + digits, deliveryMedium: .sms, attributeName: "phone_number")
        }
        let pick = stream.bytes(2).map { letters[Int($0) % letters.count] }
        return CodeDeliveryDetailsType(destination: "\(pick[0])***@\(pick[1])***", deliveryMedium: .email, attributeName: "email")
    }

    /// A write of the size a failure count or a sent code costs a real user: an expired session that the
    /// next sweep removes. Without it, the fsync of a real user's write would time their existence.
    static func matchWrite(_ deps: ServiceDependencies, pool: UserPool) async throws {
        let now = deps.clock.now()
        try await deps.storage.createSession(
            AuthSession(
                id: OpaqueToken.hash(OpaqueToken.make(deps.random)), poolID: pool.id, clientID: "", usernameKey: "",
                challenge: ChallengeNameType(rawValue: ""), state: SignInState(), expiresAt: now.addingTimeInterval(-AuthSession.maxLifetime - 1)))
    }
}

/// A keyed deterministic byte stream (HMAC-SHA256 in counter mode), for values that must be the same
/// for the same input every time and unpredictable without the key.
final class DerivedBytes: RandomSource, @unchecked Sendable {
    private let key: SymmetricKey
    private let seed: [UInt8]
    private var counter: UInt32 = 0
    private var buffer: [UInt8] = []

    init(key: SymmetricKey, seed: String) {
        self.key = key
        self.seed = Array(seed.utf8)
    }

    func bytes(_ count: Int) -> [UInt8] {
        while buffer.count < count {
            counter += 1
            let block = withUnsafeBytes(of: counter.bigEndian) { Array($0) } + seed
            buffer += Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }
}
