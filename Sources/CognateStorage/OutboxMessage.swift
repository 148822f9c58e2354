import Foundation

/// An email or SMS message Cognate would have sent, kept so tests can read codes and passwords.
public struct OutboxMessage: Codable, Sendable, Equatable {
    public enum Medium: String, Codable, Sendable {
        case email = "EMAIL"
        case sms = "SMS"
    }

    /// Order of sending; set by the storage when the message is appended.
    public var sequence: Int64
    public var poolID: String
    public var username: String
    public var medium: Medium
    /// The email address or phone number.
    public var recipient: String
    /// Why it was sent: `invitation`, `verification`, …
    public var purpose: String
    public var subject: String?
    public var body: String
    /// The code or temporary password in the message, for tests that need only that.
    public var code: String?
    public var sentAt: Date

    /// How many of the newest messages a backend keeps; older ones may be dropped as new ones come.
    public static let retained = 10_000

    public init(
        sequence: Int64 = 0, poolID: String, username: String, medium: Medium, recipient: String,
        purpose: String, subject: String?, body: String, code: String?, sentAt: Date
    ) {
        self.sequence = sequence
        self.poolID = poolID
        self.username = username
        self.medium = medium
        self.recipient = recipient
        self.purpose = purpose
        self.subject = subject
        self.body = body
        self.code = code
        self.sentAt = sentAt
    }
}
