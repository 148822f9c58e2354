import CognateStorage
import CognitoModel
import Foundation
import Logging

/// The email threat protection sends when the action for a sign-in's risk level says `Notify` (ENFORCED mode):
/// the configuration's template for what was done (BlockEmail, MfaEmail, NoActionEmail; Cognate's own words
/// without one), with AWS's placeholders filled in, and one-click links that tell Cognate whether the sign-in
/// was the user's (`/feedback` on the pool's domain, which then asks for a confirming click: a link that
/// changed the event by itself would be followed by every mail scanner). The feedback token in the links is
/// what UpdateAuthEventFeedback takes; only its hash is kept, on the event.
struct RiskNotification {
    let deps: ServiceDependencies

    enum Kind: Sendable {
        case block
        case mfa
        case noAction

        init(_ action: AccountTakeoverEventActionType) {
            switch action {
            case .block: self = .block
            case .mfaIfConfigured, .mfaRequired: self = .mfa
            default: self = .noAction
            }
        }

        /// What the sign-in was met with, in words for the default template and ACCOUNT_TAKE_OVER_ACTION.
        var action: String {
            switch self {
            case .block: "BLOCK"
            case .mfa: "MFA"
            case .noAction: "NO_ACTION"
            }
        }
    }

    /// Sends the notice about `event` to the user's email address, if they have one; answers the feedback
    /// token's hash for the event (nil when nothing was sent).
    func send(_ kind: Kind, event: AuthEvent, user: User, pool: UserPool, configuration: RiskConfiguration?) async throws -> String? {
        guard let address = user.attribute("email"), !address.isEmpty else {
            deps.logger.info(
                "threat protection: no notification for a user without an email address", metadata: ["pool": "\(pool.id)", "event": "\(event.id)"])
            return nil
        }
        let token = OpaqueToken.make(deps.random)
        let links = try await oneClickLinks(event: event, user: user, pool: pool, token: token)
        let values: [String: String] = [
            "{username}": user.username, "{ip-address}": event.context.ipAddress ?? "unknown", "{city}": event.context.city ?? "unknown",
            "{country}": event.context.country ?? "unknown", "{device-name}": event.context.deviceName ?? "unknown",
            "{login-time}": Self.loginTime(event.createdAt), "{event-id}": event.id, "{feedback-token}": token,
            "{one-click-link-valid}": links?.valid ?? "", "{one-click-link-invalid}": links?.invalid ?? "",
        ]
        let templates = configuration?.accountTakeover?.notifyConfiguration
        let template: NotifyEmailType? =
            switch kind {
            case .block: templates?.blockEmail
            case .mfa: templates?.mfaEmail
            case .noAction: templates?.noActionEmail
            }
        let subject = template?.subject ?? Self.defaultSubject(kind)
        let body = Self.fill(
            template?.textBody ?? template?.htmlBody ?? Self.defaultBody(kind), values, html: template?.textBody == nil && template?.htmlBody != nil)
        try await Messenger(deps: deps).sendRiskNotification(
            subject: Self.fill(subject, values, html: false), body: body, token: token, kind: kind, event: event, links: links, pool: pool, user: user
        )
        return OpaqueToken.hash(token)
    }

    /// The links on the pool's domain (Cognate's address serves every pool's pages); none without a domain, as
    /// in AWS.
    private func oneClickLinks(event: AuthEvent, user: User, pool: UserPool, token: String) async throws -> (valid: String, invalid: String)? {
        guard try await !deps.storage.domains(poolID: pool.id).isEmpty else { return nil }
        func link(_ value: String) -> String {
            var parts = URLComponents()
            parts.queryItems = [
                URLQueryItem(name: "user_pool_id", value: pool.id), URLQueryItem(name: "username", value: user.username),
                URLQueryItem(name: "event_id", value: event.id), URLQueryItem(name: "feedback_token", value: token),
                URLQueryItem(name: "feedback_value", value: value),
            ]
            let query = (parts.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            return deps.configuration.publicBaseURL + "/feedback?" + query
        }
        return (link("Valid"), link("Invalid"))
    }

    static func fill(_ template: String, _ values: [String: String], html: Bool) -> String {
        var text = template
        for (placeholder, value) in values {
            text = text.replacingOccurrences(of: placeholder, with: html ? SenderTriggers.escapeHTML(value) : value)
        }
        return text
    }

    static func loginTime(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "EEE MMM dd HH:mm:ss 'UTC' yyyy"
        return format.string(from: date)
    }

    static func defaultSubject(_ kind: Kind) -> String {
        switch kind {
        case .block: "We blocked a sign-in to your account"
        case .mfa: "We asked for a second factor at a sign-in to your account"
        case .noAction: "A new sign-in to your account"
        }
    }

    static func defaultBody(_ kind: Kind) -> String {
        let what =
            switch kind {
            case .block: "We blocked an unusual sign-in to your account {username}."
            case .mfa: "An unusual sign-in to your account {username} had to give a second factor."
            case .noAction: "We noticed an unusual sign-in to your account {username}."
            }
        return what + """

            Time: {login-time}
            Device: {device-name}
            Address: {ip-address} ({city}, {country})

            If this was you, tell us: {one-click-link-valid}
            If it was not, tell us and change your password: {one-click-link-invalid}
            """
    }
}
