import Foundation

/// A device a user signed in from, as device tracking keeps it: handed out with NewDeviceMetadata at
/// sign-in, confirmed by ConfirmDevice with its SRP verifier, then able to stand in for MFA when remembered.
public struct Device: Codable, Sendable, Equatable {
    /// `<region>_<uuid>`.
    public var key: String
    /// The group key the device's SRP secret is derived with.
    public var groupKey: String
    public var name: String?
    /// The salt the device derived its verifier with, hex, exactly as the device sent it.
    public var saltHex: String?
    /// The device's SRP verifier, set by ConfirmDevice.
    public var verifier: Data?
    public var remembered: Bool
    public var createdAt: Date
    public var lastModifiedAt: Date
    public var lastAuthenticatedAt: Date?

    public init(key: String, groupKey: String, createdAt: Date) {
        self.key = key
        self.groupKey = groupKey
        self.remembered = false
        self.createdAt = createdAt
        self.lastModifiedAt = createdAt
    }

    /// Confirmed devices have a verifier; the others were handed out at sign-in and never confirmed.
    public var isConfirmed: Bool { verifier != nil }
}
