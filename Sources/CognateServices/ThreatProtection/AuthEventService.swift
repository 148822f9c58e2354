import CognateCrypto
import CognateStorage
import CognateWire
import CognitoModel
import Foundation

/// AdminListUserAuthEvents, AdminUpdateAuthEventFeedback and UpdateAuthEventFeedback: a user's history of
/// authentication events as threat protection recorded it, and the feedback that tells it whether an event
/// was the user (Valid) or not (Invalid), which later sign-ins' risk takes into account (`RiskModel`).
struct AuthEventService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    /// Events in a page when MaxResults is 0 or left out, and at most.
    static let pageSize = 60

    static let eventNotFound = CognitoError(.resourceNotFoundException, "Auth event not found.")

    func register(in table: inout OperationTable) {
        table.register(Operations.AdminListUserAuthEvents.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            let limit = (input.maxResults ?? 0) == 0 ? Self.pageSize : min(input.maxResults ?? 0, Self.pageSize)
            let after = try input.nextToken.map(Self.eventID(inToken:))
            let events = try await StorageError.map(notFound: Errors.invalidToken) {
                do {
                    return try await deps.storage.authEvents(poolID: pool.id, usernameKey: user.usernameKey, after: after, limit: limit + 1)
                } catch StorageError.invalidPageToken {
                    throw Errors.invalidToken
                }
            }
            let page = events.prefix(limit)
            let next = events.count > limit ? page.last.map(Self.token(after:)) : nil
            return AdminListUserAuthEventsResponse(authEvents: page.map(Self.wire), nextToken: next)
        }
        table.register(Operations.AdminUpdateAuthEventFeedback.self) { input, _ in
            let (pool, user) = try await find(input.userPoolId, input.username)
            try await giveFeedback(input.feedbackValue, provider: "Admin", eventID: input.eventId, pool: pool, user: user) { _ in }
            return .init()
        }
        table.register(Operations.UpdateAuthEventFeedback.self) { input, _ in try await updateFeedback(input) }
    }

    /// UpdateAuthEventFeedback: the user's own feedback, with the token of the notice about the event.
    func updateFeedback(_ input: UpdateAuthEventFeedbackRequest) async throws -> UpdateAuthEventFeedbackResponse {
        let (pool, user) = try await find(input.userPoolId, input.username)
        let presented = OpaqueToken.hash(input.feedbackToken)
        try await giveFeedback(input.feedbackValue, provider: "User", eventID: input.eventId, pool: pool, user: user) { event in
            guard let expected = event.feedbackTokenHash, ConstantTime.equal(Array(expected.utf8), Array(presented.utf8)) else {
                throw CognitoError(.notAuthorizedException, "The feedback token is not valid for this event.")
            }
        }
        return .init()
    }

    /// The pool, with threat protection on, and the user a username, alias or `sub` names.
    private func find(_ poolID: String, _ name: String) async throws -> (UserPool, User) {
        let pool = try await UserPoolService(deps).load(poolID)
        try ThreatProtectionMode.requireOn(pool)
        return (pool, try await UserDirectory(pool: pool, storage: deps.storage).find(name))
    }

    /// Records feedback on one of the user's events; `authorize` may refuse it, seeing the event.
    func giveFeedback(
        _ value: FeedbackValueType, provider: String, eventID: String, pool: UserPool, user: User,
        authorize: @escaping @Sendable (AuthEvent) throws -> Void
    ) async throws {
        let now = deps.clock.now()
        try await StorageError.map(notFound: Self.eventNotFound) {
            try await deps.storage.updateAuthEvent(poolID: pool.id, usernameKey: user.usernameKey, id: eventID) { event in
                try authorize(event)
                event.feedback = EventFeedbackType(feedbackValue: value, provider: provider, feedbackDate: now)
            }
        }
    }

    static func wire(_ event: AuthEvent) -> AuthEventType {
        AuthEventType(
            eventId: event.id, eventType: event.type, creationDate: event.createdAt, eventResponse: event.response, eventRisk: event.risk,
            challengeResponses: event.challenges, eventContextData: event.context, eventFeedback: event.feedback)
    }

    /// A page token in AWS's form: the last event's ID and time, `<EventId>#<ISO 8601 time>`.
    static func token(after event: AuthEvent) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return event.id + "#" + format.string(from: event.createdAt)
    }

    static func eventID(inToken token: String) throws(CognitoError) -> String {
        guard let hash = token.firstIndex(of: "#"), hash > token.startIndex else { throw Errors.invalidToken }
        return String(token[..<hash])
    }
}
