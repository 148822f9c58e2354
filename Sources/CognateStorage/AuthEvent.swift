import CognitoModel
import Foundation

/// One authentication event threat protection recorded for a user (AdminListUserAuthEvents): a sign-in,
/// sign-up, password reset or change, or a resent code, with the risk it was judged to carry, the challenges
/// answered, where it came from, and the feedback given on it.
public struct AuthEvent: Codable, Sendable, Equatable {
    /// A UUID; sign-in tokens carry it as their `event_id`.
    public var id: String
    public var poolID: String
    public var usernameKey: String
    /// The app client the event came through, where there was one.
    public var clientID: String?
    public var type: EventType
    public var createdAt: Date
    public var response: EventResponseType
    public var risk: EventRiskType
    public var challenges: [ChallengeResponseType]
    public var context: EventContextDataType
    public var feedback: EventFeedbackType?
    /// The SHA-256 (hex) of the feedback token the notification email carried, when one was sent.
    public var feedbackTokenHash: String?

    public init(
        id: String, poolID: String, usernameKey: String, clientID: String?, type: EventType, createdAt: Date,
        response: EventResponseType, risk: EventRiskType, challenges: [ChallengeResponseType] = [],
        context: EventContextDataType = EventContextDataType(), feedback: EventFeedbackType? = nil, feedbackTokenHash: String? = nil
    ) {
        self.id = id
        self.poolID = poolID
        self.usernameKey = usernameKey
        self.clientID = clientID
        self.type = type
        self.createdAt = createdAt
        self.response = response
        self.risk = risk
        self.challenges = challenges
        self.context = context
        self.feedback = feedback
        self.feedbackTokenHash = feedbackTokenHash
    }

    /// How many events a user keeps: the newest; older ones are removed as new ones arrive.
    public static let retainedPerUser = 500
    /// How long an event is kept at most (AWS keeps two years of history).
    public static let retention: TimeInterval = 2 * 366 * 24 * 3600
}

/// Users' authentication events, newest first: in the order they were recorded, whatever their times say.
/// A deleted user or pool takes theirs along.
public protocol AuthEventStorage: Sendable {
    /// Stores the event, and removes the user's events beyond the newest `AuthEvent.retainedPerUser` and
    /// those older than `AuthEvent.retention` before the new one.
    func appendAuthEvent(_ event: AuthEvent) async throws
    /// Up to `limit` of the user's events, newest first: after the event with ID `after` (nil: from the
    /// newest); `invalidPageToken` when the user has no such event (any more).
    func authEvents(poolID: String, usernameKey: String, after: String?, limit: Int) async throws -> [AuthEvent]
    /// `notFound` when the user has no event with this ID.
    func authEvent(poolID: String, usernameKey: String, id: String) async throws -> AuthEvent
    @discardableResult
    func updateAuthEvent(
        poolID: String, usernameKey: String, id: String, _ change: @escaping @Sendable (inout AuthEvent) throws -> Void
    ) async throws -> AuthEvent
}
