import CognateCrypto
import CognateStorage
import CognitoModel
import Foundation
import Logging

/// CustomEmailSender and CustomSMSSender: a pool with one sends no email (or SMS) itself; it hands each
/// code or temporary password to the function, encrypted as an AWS Encryption SDK message under the data
/// key KMS makes for the pool's `KMSKeyID`, and invokes the function asynchronously (Lambda's `Event`
/// invocation). Nothing about it can fail the operation: a key or an invocation that fails is logged.
struct SenderTriggers {
    let deps: ServiceDependencies

    /// The pool's sender function for a medium, if it has one.
    static func function(for medium: OutboxMessage.Medium, in pool: UserPool) -> String? {
        let config = RegionalSettings.lambdaConfig(pool)
        return medium == .email ? config?.customEmailSender?.lambdaArn : config?.customSMSSender?.lambdaArn
    }

    /// What became of a hand-off, for the outbox and the log.
    enum Outcome: Equatable {
        case invoked
        case failed(String)
    }

    /// Hands `secret` to the pool's sender for `medium`. `source` is the message's occasion (SignUp,
    /// ForgotPassword, AdminCreateUser…), as the trigger source names it.
    func send(
        _ secret: String, medium: OutboxMessage.Medium, function: String, source: String, pool: UserPool, user: User,
        trigger: MessageTrigger
    ) async -> Outcome {
        let ciphertext: String
        do {
            ciphertext = try await encrypt(source == "AdminCreateUser" ? Self.escapeHTML(secret) : secret, pool: pool)
        } catch {
            deps.logger.warning("custom sender: the code could not be encrypted", metadata: ["pool": "\(pool.id)", "error": "\(error)"])
            return .failed("\(error)")
        }
        let email = medium == .email
        var request: [String: JSONValue] = [
            "type": .string(email ? "customEmailSenderRequestV1" : "customSMSSenderRequestV1"), "code": .string(ciphertext),
            "userAttributes": TriggerEvent.attributes(of: user),
        ]
        if let metadata = TriggerEvent.strings(trigger.clientMetadata) { request["clientMetadata"] = metadata }
        let event = TriggerEvent(
            source: (email ? "CustomEmailSender_" : "CustomSMSSender_") + source, pool: pool, userName: user.username,
            clientID: trigger.clientID, request: request, response: [:])
        return await invoke(function, event, pool: pool)
    }

    /// Hands a notice that carries no secret to the pool's CustomEmailSender (AccountTakeOverNotification):
    /// `code` null, and `details` among the user's attributes.
    func notify(function: String, source: String, details: [String: String], pool: UserPool, user: User) async -> Outcome {
        var attributes = TriggerEvent.attributes(of: user)
        if case .object(var fields) = attributes {
            for (name, value) in details { fields[name] = .string(value) }
            attributes = .object(fields)
        }
        let request: [String: JSONValue] = ["type": .string("customEmailSenderRequestV1"), "code": .null, "userAttributes": attributes]
        let event = TriggerEvent(
            source: "CustomEmailSender_" + source, pool: pool, userName: user.username, clientID: nil, request: request, response: [:])
        return await invoke(function, event, pool: pool)
    }

    /// Invokes the sender asynchronously (as AWS invokes custom senders) once the request's cached answers hold.
    private func invoke(_ function: String, _ event: TriggerEvent, pool: UserPool) async -> Outcome {
        let payload: [UInt8]
        do {
            payload = Array(try JSONEncoder().encode(event.json))
        } catch {
            return .failed("the event could not be encoded")
        }
        do {
            try await CallingOut.confirmCachedAnswers()
        } catch {
            return .failed(error.message)
        }
        switch await (deps.functions ?? UnavailableInvoker()).invoke(function: function, payload: payload, asynchronous: true) {
        case .returned:
            return .invoked
        case .functionError(let message), .invocationFailed(let message):
            deps.logger.warning(
                "custom sender: the invocation failed", metadata: ["pool": "\(pool.id)", "function": "\(function)", "error": "\(message)"])
            return .failed(message)
        }
    }

    /// The secret as the function receives it: an Encryption SDK message, base64.
    func encrypt(_ secret: String, pool: UserPool) async throws -> String {
        guard let keyID = RegionalSettings.lambdaConfig(pool)?.kmsKeyID, !keyID.isEmpty else {
            throw DataKeyError("the pool's LambdaConfig has no KMSKeyID")
        }
        guard let keys = deps.keys else { throw DataKeyError("no KMS is configured") }
        let signingKey = EncryptionSDKMessage.signingKey(random: deps.random.bytes(48))
        let context = EncryptionSDKMessage.context(signingKey: signingKey)
        let key = try await keys.generateDataKey(keyID: keyID, context: context)
        let message = try EncryptionSDKMessage.seal(
            Array(secret.utf8), dataKey: .init(plaintext: key.plaintext, encrypted: key.ciphertext, keyARN: key.keyARN), context: context,
            signingKey: signingKey, messageID: deps.random.bytes(32))
        return Data(message).base64EncodedString()
    }

    /// Cognito escapes temporary passwords for HTML before encrypting them; the function unescapes them.
    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
