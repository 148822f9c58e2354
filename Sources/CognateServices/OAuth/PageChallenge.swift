import CognitoModel
import Foundation

/// A step of a sign-in on the managed login pages after the password: what to ask, and the sign-in
/// session (the API's session string) that the answer continues. The session travels in the page's form,
/// as the API's client would hold it.
public struct PageChallenge: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case newPassword = "NEW_PASSWORD_REQUIRED"
        case softwareToken = "SOFTWARE_TOKEN_MFA"
        case sms = "SMS_MFA"
        case email = "EMAIL_OTP"
        case selectFactor = "SELECT_MFA_TYPE"
    }

    public var kind: Kind
    public var session: String
    public var username: String
    /// Where a code went (SMS, email), or the factors to choose from.
    public var destination: String?
    public var choices: [String]

    public init?(_ name: ChallengeNameType, session: String, username: String, parameters: [String: String]) {
        guard let kind = Kind(rawValue: name.rawValue) else { return nil }
        self.kind = kind
        self.session = session
        self.username = username
        destination = parameters["CODE_DELIVERY_DESTINATION"]
        choices = (try? JSONDecoder().decode([String].self, from: Data((parameters["MFAS_CAN_CHOOSE"] ?? "[]").utf8))) ?? []
    }

    /// A step as a page posts it back.
    public init?(kind: String, session: String, username: String) {
        guard let kind = Kind(rawValue: kind), !session.isEmpty, session.utf8.count <= 4_096, !username.isEmpty else { return nil }
        self.kind = kind
        self.session = session
        self.username = username
        choices = []
    }

    var challengeName: ChallengeNameType? { ChallengeNameType(rawValue: kind.rawValue) }

    /// The challenge response that carries the user's answer.
    var responseName: String? {
        switch kind {
        case .newPassword: "NEW_PASSWORD"
        case .softwareToken: "SOFTWARE_TOKEN_MFA_CODE"
        case .sms: "SMS_MFA_CODE"
        case .email: "EMAIL_OTP_CODE"
        case .selectFactor: "ANSWER"
        }
    }
}
