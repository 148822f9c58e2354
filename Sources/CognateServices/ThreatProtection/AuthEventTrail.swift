import CognateStorage
import CognitoModel
import Foundation
import Synchronization

/// The auth event of the sign-in being served, shared with its steps (a task-local value): the MFA step
/// reads the step-up threat protection asked for and says when it had to block, and the tokens carry the
/// event's ID as their `event_id`.
final class AuthEventTrail: Sendable {
    typealias StepUp = RiskStepUp

    let eventID: String
    let stepUp: StepUp?
    private let blockedBox = Mutex(false)
    private let compromisedBox = Mutex(false)

    init(eventID: String, stepUp: StepUp?) {
        self.eventID = eventID
        self.stepUp = stepUp
    }

    /// Whether the sign-in was blocked for want of a second factor (MFA_REQUIRED).
    var blocked: Bool {
        get { blockedBox.withLock { $0 } }
        set { blockedBox.withLock { $0 = newValue } }
    }

    /// Whether a password the event's request gave was found compromised.
    var compromisedFound: Bool {
        get { compromisedBox.withLock { $0 } }
        set { compromisedBox.withLock { $0 = newValue } }
    }

    @TaskLocal static var current: AuthEventTrail?

    /// AWS's answer to a sign-in adaptive authentication blocks.
    static let blockedSignIn = CognitoError(.notAuthorizedException, "Unable to login because of security reasons.")
    /// AWS's answer to a request from an address on the always-block list.
    static let blockedAddress = CognitoError(.notAuthorizedException, "Request not allowed due to security reasons.")
}
