/// Who may read `GET /metrics` (`--metrics`): per-operation counters, sign-ins and lockouts tell an
/// outsider how a deployment is used, so beyond loopback they are not public unless the operator says so.
public enum MetricsAccess: String, Sendable, CaseIterable {
    /// Anyone who reaches the port.
    case open
    /// Requests signed (SigV4, service `cognito-idp`) by one of the configured access keys.
    case signed
    /// Not served.
    case off

    /// The default: `signed` once access keys are configured; without them `open` on loopback, where only
    /// this machine reaches the port, and `off` beyond it.
    public static func defaultAccess(hasAccessKeys: Bool, loopback: Bool) -> MetricsAccess {
        if hasAccessKeys { return .signed }
        return loopback ? .open : .off
    }
}
