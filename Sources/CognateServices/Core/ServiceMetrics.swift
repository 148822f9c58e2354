import Metrics

/// The services' metrics, through swift-metrics: whatever backend the process bootstraps (Prometheus in
/// `cognate`, at /metrics) receives them; without one they cost nothing.
enum ServiceMetrics {
    /// A completed sign-in: tokens issued (API or managed login), by how.
    static func signedIn(_ method: String) {
        Counter(label: "cognate_sign_ins_total", dimensions: [("method", method)]).increment()
    }

    /// A sign-in refused because the user is locked out after wrong passwords.
    static func lockedOut() {
        Counter(label: "cognate_lockouts_total").increment()
    }

    /// A user brought in by a pool's UserMigration function.
    static func migrated() {
        Counter(label: "cognate_users_migrated_total").increment()
    }

    /// A message Cognate sent (or would have): codes, invitations.
    static func messageSent(medium: String, purpose: String) {
        Counter(label: "cognate_messages_sent_total", dimensions: [("medium", medium), ("purpose", purpose)]).increment()
    }
}
