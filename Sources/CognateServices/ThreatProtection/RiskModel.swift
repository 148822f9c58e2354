import CognateStorage
import CognitoModel
import Foundation

/// How Cognate judges the risk of a sign-in. AWS does not document its own scoring, so Cognate's is its own,
/// deterministic and written down (docs/THREAT_PROTECTION.md), so that tests can drive it:
///
/// 1. A risk set for the user's next sign-in through the test endpoint (`POST /_cognate/risk`) is used as
///    it is, once.
/// 2. An address that a sign-in marked Invalid (by feedback) came from makes the sign-in High.
/// 3. The user's first evaluated sign-in carries no risk: there is nothing to compare it with; nor does one
///    from an address and device of a sign-in marked Valid.
/// 4. Otherwise one point each for an address, a device (browser and system, or client library), and a
///    country (where the geo-IP database knows it) that no earlier successful sign-in of the user had, and
///    one for three or more failed attempts in the last hour: 1 point is Low, 2 Medium, 3 or 4 High.
struct RiskModel {
    /// The user's earlier events it looks at, newest first.
    static let history = 50
    static let failureWindow: TimeInterval = 3600
    static let failureThreshold = 3

    let now: Date

    func level(user: User, context: EventContextDataType, history: [AuthEvent]) -> RiskLevelType? {
        let address = context.ipAddress
        if address != nil, history.contains(where: { $0.feedback?.feedbackValue == .invalid && $0.context.ipAddress == address }) {
            return .high
        }
        if history.contains(where: {
            $0.feedback?.feedbackValue == .valid && $0.context.ipAddress == address && $0.context.deviceName == context.deviceName
        }) {
            return nil
        }
        let passed = history.filter { $0.type == .signIn && $0.response == .pass }
        guard !passed.isEmpty else { return nil }
        var points = 0
        if let address, !passed.contains(where: { $0.context.ipAddress == address }) { points += 1 }
        if let device = context.deviceName, !passed.contains(where: { $0.context.deviceName == device }) { points += 1 }
        if let country = context.country, !passed.contains(where: { $0.context.country == country }) { points += 1 }
        if let last = user.lastFailedSignIn, (user.failedSignIns ?? 0) >= Self.failureThreshold,
            now.timeIntervalSince(last) < Self.failureWindow
        {
            points += 1
        }
        switch points {
        case 0: return nil
        case 1: return .low
        case 2: return .medium
        default: return .high
        }
    }
}
