import Crypto
import Foundation

/// Time-based one-time passwords as Cognito's software tokens use them (RFC 6238 over RFC 4226):
/// HMAC-SHA-1, 30-second steps from the Unix epoch, six digits.
public enum TOTP {
    public static let stepSeconds: Double = 30
    public static let digits = 6

    /// The time step `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / stepSeconds).rounded(.down))
    }

    /// The code for one time step.
    public static func code(secret: [UInt8], step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step whose code `code` is, looking one step either side of `date` for clock drift; nil when
    /// none matches. Every candidate is computed and compared in constant time.
    public static func matchingStep(_ code: String, secret: [UInt8], at date: Date, drift: Int64 = 1) -> Int64? {
        let now = step(at: date)
        var found: Int64?
        let presented = Array(code.utf8)
        for candidate in (now - drift)...(now + drift) {
            let expected = Array(self.code(secret: secret, step: candidate).utf8)
            if ConstantTime.equal(expected, presented) && found == nil { found = candidate }
        }
        return found
    }
}
