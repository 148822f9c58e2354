/// Managed login sessions, by the hash of their cookie. Sessions of a deleted pool or user go with it;
/// backends may drop expired ones.
public protocol LoginSessionStorage: Sendable {
    func createLoginSession(_ session: LoginSession) async throws
    func loginSession(hash: String) async throws -> LoginSession
    /// Ending a session that is not there is not an error.
    func deleteLoginSession(hash: String) async throws
    /// Ends every session of a user (a global sign-out).
    func deleteLoginSessions(poolID: String, usernameKey: String) async throws
}
