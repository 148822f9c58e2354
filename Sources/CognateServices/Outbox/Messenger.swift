import CognateStorage
import CognitoModel
import Foundation
import Logging

/// Renders the messages Cognito would send from the pool's templates and puts them in the outbox
/// (and the log) instead of sending them. A pool with a CustomEmailSender or CustomSMSSender hands that
/// medium's codes to its function instead; the outbox then records the hand-off.
struct Messenger {
    let deps: ServiceDependencies

    static let defaultInviteSMS = "Your username is {username} and temporary password is {####}."
    static let defaultInviteEmail = "Your username is {username} and temporary password is {####}."
    static let defaultInviteSubject = "Your temporary password"

    static func render(_ template: String, username: String, code: String) -> String {
        template.replacingOccurrences(of: "{username}", with: username).replacingOccurrences(of: "{####}", with: code)
    }

    /// Sends the AdminCreateUser invitation by each requested medium the user has an address for; a
    /// medium without an address is skipped (the user is still created, as the medium list defaults to SMS).
    func sendInvitation(
        pool: UserPool, user: User, temporaryPassword: String, mediums: [DeliveryMediumType], clientMetadata: [String: String]?
    ) async throws {
        let template = pool.settings.adminCreateUserConfig?.inviteMessageTemplate
        let trigger = MessageTrigger(source: "AdminCreateUser", clientMetadata: clientMetadata)
        // CustomMessage shapes only what Cognate sends itself.
        let rendered = mediums.contains { SenderTriggers.function(for: $0 == .email ? .email : .sms, in: pool) == nil }
        let custom = rendered ? try await customMessage(trigger, pool: pool, user: user) : nil
        for medium in mediums {
            let kind: OutboxMessage.Medium = medium == .email ? .email : .sms
            if let recipient = user.attribute(medium == .email ? "email" : "phone_number"), let sender = SenderTriggers.function(for: kind, in: pool)
            {
                try await handOff(
                    temporaryPassword, medium: kind, function: sender, purpose: "invitation", recipient: recipient, pool: pool, user: user,
                    trigger: trigger)
                continue
            }
            switch medium {
            case .email:
                guard let email = user.attribute("email") else {
                    unsent(user, pool: pool, medium: "EMAIL", attribute: "email")
                    continue
                }
                let body = Self.render(
                    custom?.email ?? template?.emailMessage ?? Self.defaultInviteEmail, username: user.username, code: temporaryPassword)
                try await deliver(
                    pool: pool, user: user, medium: .email, recipient: email,
                    subject: custom?.subject ?? template?.emailSubject ?? Self.defaultInviteSubject, body: body, code: temporaryPassword)
            default:
                guard let phone = user.attribute("phone_number") else {
                    unsent(user, pool: pool, medium: "SMS", attribute: "phone_number")
                    continue
                }
                let body = Self.render(custom?.sms ?? template?.smsMessage ?? Self.defaultInviteSMS, username: user.username, code: temporaryPassword)
                try await deliver(pool: pool, user: user, medium: .sms, recipient: phone, subject: nil, body: body, code: temporaryPassword)
            }
        }
    }

    /// An invitation that has nowhere to go (the default medium, SMS, for a user without a phone number) is
    /// not sent, as in AWS, but never silently: the log says so and why.
    private func unsent(_ user: User, pool: UserPool, medium: String, attribute: String) {
        deps.logger.warning(
            "The invitation of \(user.username) in \(pool.id) was not sent by \(medium): the user has no \(attribute). Give DesiredDeliveryMediums with a medium the user has an attribute for (EMAIL or SMS)."
        )
        deliveryError("The invitation was not sent by \(medium): the user has no \(attribute).", pool: pool)
    }

    /// A message that could not be delivered, for the pool's message-delivery error log (userNotification).
    private func deliveryError(_ details: String, pool: UserPool) {
        deps.logExport?.submit(
            LogRecords.notificationError(details, pool: pool, at: deps.clock.now(), id: deps.random.uuid()), source: .userNotification, pool: pool)
    }

    static let defaultVerificationMessage = "Your verification code is {####}."
    static let defaultVerificationSubject = "Your verification code"

    /// Sends a one-time code to the user's email address or phone number, rendered from the pool's
    /// verification template; answers the delivery details Cognito reports (destination masked).
    func sendCode(
        _ code: String, purpose: String, attribute: String, pool: UserPool, user: User, trigger: MessageTrigger
    ) async throws -> CodeDeliveryDetailsType {
        let template = pool.settings.verificationMessageTemplate
        let medium: DeliveryMediumType = attribute == "email" ? .email : .sms
        let destination = user.attribute(attribute) ?? ""
        let details = CodeDeliveryDetailsType(destination: Codes.mask(destination, medium: medium), deliveryMedium: medium, attributeName: attribute)
        if let sender = SenderTriggers.function(for: medium == .email ? .email : .sms, in: pool) {
            try await handOff(
                code, medium: medium == .email ? .email : .sms, function: sender, purpose: purpose, recipient: destination, pool: pool,
                user: user, trigger: trigger)
            return details
        }
        let custom = try await customMessage(trigger, pool: pool, user: user)
        if medium == .email {
            let body = Self.render(custom?.email ?? template?.emailMessage ?? Self.defaultVerificationMessage, username: user.username, code: code)
            try await deliver(
                pool: pool, user: user, medium: .email, recipient: destination,
                subject: custom?.subject ?? template?.emailSubject ?? Self.defaultVerificationSubject, body: body, code: code,
                purpose: purpose)
        } else {
            let body = Self.render(custom?.sms ?? template?.smsMessage ?? Self.defaultVerificationMessage, username: user.username, code: code)
            try await deliver(pool: pool, user: user, medium: .sms, recipient: destination, subject: nil, body: body, code: code, purpose: purpose)
        }
        return details
    }

    static let defaultAuthenticationMessage = "Your authentication code is {####}. "
    static let defaultAuthenticationSubject = "Your authentication code"

    /// Sends a sign-in code (SMS or email MFA) rendered from the pool's MFA templates; answers the
    /// masked destination.
    func sendAuthenticationCode(
        _ code: String, factor: MfaFactor, pool: UserPool, user: User, clientID: String, clientMetadata: [String: String]?
    ) async throws -> String {
        let trigger = MessageTrigger(source: "Authentication", clientID: clientID, clientMetadata: clientMetadata)
        let kind: OutboxMessage.Medium = factor == .email ? .email : .sms
        if let sender = SenderTriggers.function(for: kind, in: pool) {
            let destination = user.attribute(factor == .email ? "email" : "phone_number") ?? ""
            try await handOff(code, medium: kind, function: sender, purpose: "mfa", recipient: destination, pool: pool, user: user, trigger: trigger)
            return Codes.mask(destination, medium: factor == .email ? .email : .sms)
        }
        let custom = try await customMessage(trigger, pool: pool, user: user)
        if factor == .email {
            let destination = user.attribute("email") ?? ""
            let configuration = pool.settings.emailMfaConfiguration
            let body = Self.render(custom?.email ?? configuration?.message ?? Self.defaultAuthenticationMessage, username: user.username, code: code)
            try await deliver(
                pool: pool, user: user, medium: .email, recipient: destination,
                subject: custom?.subject ?? configuration?.subject ?? Self.defaultAuthenticationSubject, body: body, code: code,
                purpose: "mfa")
            return Codes.mask(destination, medium: .email)
        }
        let destination = user.attribute("phone_number") ?? ""
        let body = Self.render(
            custom?.sms ?? pool.settings.smsAuthenticationMessage ?? Self.defaultAuthenticationMessage, username: user.username, code: code)
        try await deliver(pool: pool, user: user, medium: .sms, recipient: destination, subject: nil, body: body, code: code, purpose: "mfa")
        return Codes.mask(destination, medium: .sms)
    }

    /// Threat protection's notice of a risky sign-in: to the pool's CustomEmailSender when it has one (source
    /// AccountTakeOverNotification, no code, the event's details among the user's attributes, as AWS sends
    /// them), else by email. The feedback token is the message's secret: the log masks it.
    func sendRiskNotification(
        subject: String, body: String, token: String, kind: RiskNotification.Kind, event: AuthEvent,
        links: (valid: String, invalid: String)?, pool: UserPool, user: User
    ) async throws {
        let recipient = user.attribute("email") ?? ""
        if let sender = SenderTriggers.function(for: .email, in: pool) {
            var details: [String: String] = [
                "EVENT_ID": event.id, "USER_NAME": user.username, "IP_ADDRESS": event.context.ipAddress ?? "",
                "ACCOUNT_TAKE_OVER_ACTION": kind.action, "ONE_CLICK_LINK_VALID": links?.valid ?? "", "ONE_CLICK_LINK_INVALID": links?.invalid ?? "",
                "LOGIN_TIME": RiskNotification.loginTime(event.createdAt), "FEEDBACK_TOKEN": token,
            ]
            if let city = event.context.city { details["CITY"] = city }
            if let country = event.context.country { details["COUNTRY"] = country }
            if let device = event.context.deviceName { details["DEVICE_NAME"] = device }
            let outcome = await SenderTriggers(deps: deps).notify(
                function: sender, source: "AccountTakeOverNotification", details: details, pool: pool, user: user)
            let note: String
            switch outcome {
            case .invoked: note = "Handed to the pool's CustomEmailSender (\(sender)); Cognate sent nothing itself."
            case .failed(let why):
                note = "Not delivered: the pool's CustomEmailSender could not be given the notice (\(why.prefix(300)))."
                deliveryError("The pool's CustomEmailSender \(sender) could not be given a threat protection notice: \(why.prefix(300))", pool: pool)
            }
            try await deliver(
                pool: pool, user: user, medium: .email, recipient: recipient, subject: subject, body: note, code: token, purpose: "risk-notification")
            return
        }
        try await deliver(
            pool: pool, user: user, medium: .email, recipient: recipient, subject: subject, body: body, code: token, purpose: "risk-notification")
    }

    /// What the pool's CustomMessage function makes of this message, if the pool has one.
    private func customMessage(_ trigger: MessageTrigger, pool: UserPool, user: User) async throws -> MessageTriggers.CustomMessage? {
        try await MessageTriggers(deps: deps).customMessage(trigger, pool: pool, user: user)
    }

    /// Hands a code to the pool's custom sender; the outbox records that it did (with the code, for tests),
    /// or why it could not.
    private func handOff(
        _ secret: String, medium: OutboxMessage.Medium, function: String, purpose: String, recipient: String, pool: UserPool, user: User,
        trigger: MessageTrigger
    ) async throws {
        let name = medium == .email ? "CustomEmailSender" : "CustomSMSSender"
        let outcome = await SenderTriggers(deps: deps).send(
            secret, medium: medium, function: function, source: trigger.source, pool: pool, user: user, trigger: trigger)
        let note: String
        switch outcome {
        case .invoked: note = "Handed to the pool's \(name) (\(function)); Cognate sent nothing itself."
        case .failed(let why):
            note = "Not delivered: the pool's \(name) could not be given the code (\(why.prefix(300)))."
            deliveryError("The pool's \(name) \(function) could not be given a message (\(purpose)): \(why.prefix(300))", pool: pool)
        }
        try await deliver(pool: pool, user: user, medium: medium, recipient: recipient, subject: nil, body: note, code: secret, purpose: purpose)
    }

    private func deliver(
        pool: UserPool, user: User, medium: OutboxMessage.Medium, recipient: String, subject: String?, body: String, code: String,
        purpose: String = "invitation"
    ) async throws {
        ServiceMetrics.messageSent(medium: medium.rawValue, purpose: purpose)
        var metadata: Logger.Metadata = [
            "pool": "\(pool.id)", "username": "\(user.username)", "purpose": "\(purpose)",
            // Codes and temporary passwords are credentials: the log shows them only when asked to.
            "body": "\(deps.configuration.logsCodes || code.isEmpty ? body : body.replacingOccurrences(of: code, with: "******"))",
        ]
        if deps.configuration.keepsOutbox {
            let message = OutboxMessage(
                poolID: pool.id, username: user.username, medium: medium, recipient: recipient, purpose: purpose,
                subject: subject, body: body, code: code, sentAt: deps.clock.now()
            )
            metadata["sequence"] = "\(try await deps.storage.appendMessage(message).sequence)"
        }
        deps.logger.info("outbox: \(medium.rawValue) to \(recipient)", metadata: metadata)
    }
}
