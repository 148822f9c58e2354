import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation

/// A step of a sign-in on the managed login pages after the username or password: what to ask, and the
/// sign-in session (the API's session string) that the answer continues. The session travels in the page's form,
/// as the API's client would hold it.
public struct PageChallenge: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case newPassword = "NEW_PASSWORD_REQUIRED"
        case softwareToken = "SOFTWARE_TOKEN_MFA"
        case sms = "SMS_MFA"
        case email = "EMAIL_OTP"
        case selectFactor = "SELECT_MFA_TYPE"
        /// Setting up an authenticator app: the page shows the secret as a QR code and as text.
        case mfaSetup = "MFA_SETUP"
        /// Choice-based sign-in (USER_AUTH): choosing the first factor.
        case selectChallenge = "SELECT_CHALLENGE"
        /// The password, chosen as the first factor: it answers SELECT_CHALLENGE with `ANSWER=PASSWORD`.
        case password = "PASSWORD"
        /// A one-time code by SMS as the first factor.
        case smsCode = "SMS_OTP"
        /// A passkey: the page runs the browser's WebAuthn ceremony with `passkeyOptions`.
        case webAuthn = "WEB_AUTHN"
    }

    public var kind: Kind
    public var session: String
    public var username: String
    /// Where a code went (SMS, email), or the factors to choose from.
    public var destination: String?
    public var choices: [String]
    /// The new TOTP secret of an MFA_SETUP step (base32), shown to the user; the session holds the one
    /// that counts.
    public var secret: String?
    /// The `otpauth://` URI that the QR code of an MFA_SETUP step carries.
    public var setupURI: String?
    /// The PublicKeyCredentialRequestOptions (JSON) of a WEB_AUTHN step.
    public var passkeyOptions: String?
    /// The required attributes a NEW_PASSWORD_REQUIRED step asks for with the new password (the challenge's
    /// `requiredAttributes`, without their `userAttributes.` prefix).
    public var requiredAttributes: [String] = []

    public init?(_ name: ChallengeNameType, session: String, username: String, parameters: [String: String]) {
        // MFA_SETUP takes a secret first (`init(setup:…)`); without one it is not a page of its own.
        guard let kind = Kind(rawValue: name.rawValue), ![.mfaSetup, .selectChallenge, .password].contains(kind) else { return nil }
        self.kind = kind
        self.session = session
        self.username = username
        destination = parameters["CODE_DELIVERY_DESTINATION"]
        choices = (try? JSONDecoder().decode([String].self, from: Data((parameters["MFAS_CAN_CHOOSE"] ?? "[]").utf8))) ?? []
        passkeyOptions = parameters["CREDENTIAL_REQUEST_OPTIONS"]
        let required = (try? JSONDecoder().decode([String].self, from: Data((parameters["requiredAttributes"] ?? "[]").utf8))) ?? []
        requiredAttributes = required.map { $0.hasPrefix("userAttributes.") ? String($0.dropFirst("userAttributes.".count)) : $0 }
    }

    /// The required attributes of a NEW_PASSWORD_REQUIRED step as its page posts them back (names separated
    /// by spaces): only names the pool's schema requires are kept, so the form cannot widen what is asked.
    public mutating func restoreRequiredAttributes(_ posted: String?, pool: UserPool) {
        guard kind == .newPassword, let posted else { return }
        let required = Set(pool.schema.compactMap { $0.required == true ? $0.name : nil })
        requiredAttributes = posted.split(separator: " ").prefix(required.count).map(String.init).filter(required.contains)
    }

    /// A choice-based step made by the pages: choosing a first factor among `choices`, or the password.
    init(_ kind: Kind, session: String, username: String, choices: [String] = []) {
        self.kind = kind
        self.session = session
        self.username = username
        self.choices = choices
    }

    /// A step as a page posts it back. `secret` is shown again when an MFA setup code was wrong.
    public init?(kind: String, session: String, username: String, secret: String? = nil) {
        guard let kind = Kind(rawValue: kind), !session.isEmpty, session.utf8.count <= 4_096, !username.isEmpty else { return nil }
        self.kind = kind
        self.session = session
        self.username = username
        choices = []
        if kind == .mfaSetup {
            guard let secret, (16...128).contains(secret.utf8.count), secret.utf8.allSatisfy({ Base32.alphabet.contains($0) }) else { return nil }
            self.secret = secret
        }
    }

    /// An MFA_SETUP step with its new secret. The URI follows the Key URI format authenticator apps read:
    /// the pool's name as issuer, and the username.
    init(setup session: String, username: String, secret: String, issuer: String) {
        kind = .mfaSetup
        self.session = session
        self.username = username
        choices = []
        self.secret = secret
        setupURI = Self.setupURI(secret: secret, username: username, issuer: issuer)
    }

    static func setupURI(secret: String, username: String, issuer: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "otpauth://totp/\(escape(issuer)):\(escape(username))?secret=\(secret)&issuer=\(escape(issuer))"
    }

    /// The URI of a step posted back (its issuer is the pool's name again).
    public mutating func restoreSetupURI(issuer: String) {
        if let secret { setupURI = Self.setupURI(secret: secret, username: username, issuer: issuer) }
    }

    var challengeName: ChallengeNameType? { kind == .password ? .selectChallenge : ChallengeNameType(rawValue: kind.rawValue) }

    /// The challenge response that carries the user's answer.
    var responseName: String? {
        switch kind {
        case .newPassword: "NEW_PASSWORD"
        case .softwareToken: "SOFTWARE_TOKEN_MFA_CODE"
        case .sms: "SMS_MFA_CODE"
        case .email: "EMAIL_OTP_CODE"
        case .selectFactor, .selectChallenge: "ANSWER"
        case .mfaSetup: nil
        case .password: "PASSWORD"
        case .smsCode: "SMS_OTP_CODE"
        case .webAuthn: "CREDENTIAL"
        }
    }
}
