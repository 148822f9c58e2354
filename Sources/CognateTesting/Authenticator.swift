import CognateCrypto
import Foundation

/// An authenticator app: the TOTP code for a secret AssociateSoftwareToken answered (base32), now or at
/// another moment.
public enum Authenticator {
    public static func code(secret: String, at date: Date) -> String {
        TOTP.code(secret: Base32.decode(secret) ?? [], step: TOTP.step(at: date))
    }
}
