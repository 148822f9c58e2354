import CognateStorage
import CognitoModel

/// An answer to a challenge as it arrives, before its session is taken.
struct ChallengeRequest {
    var challenge: ChallengeNameType
    var responses: [String: String]
    /// The Session parameter, as the client sent it.
    var session: String?
    var username: String
    var pool: UserPool
    var client: AppClient
}

/// An answer whose shared checks held: the session taken and bound to the client, pool, challenge and user.
struct ChallengeStep {
    var request: ChallengeRequest
    var session: AuthSession
    var user: User
    /// The sign-in the answer belongs to (its dependencies, the call's ClientMetadata, whether it issues tokens).
    var auth: AuthService

    var challenge: ChallengeNameType { request.challenge }
    var responses: [String: String] { request.responses }
    var pool: UserPool { request.pool }
    var client: AppClient { request.client }
    var deps: ServiceDependencies { auth.deps }
    /// The device the sign-in carries.
    var deviceKey: String? { session.state.deviceKey }
}

/// One family of challenges that RespondToAuthChallenge answers. `AuthService.respond` does the steps
/// every answer shares and hands the family a `ChallengeStep`; a new challenge is a new responder, listed
/// in `ChallengeResponders`.
protocol ChallengeResponder: Sendable {
    /// The challenges this family answers.
    var challenges: [ChallengeNameType] { get }
    /// The string that names the answer's session; by default the Session parameter.
    func sessionHandle(_ request: ChallengeRequest, auth: AuthService) async throws -> String?
    /// The answer checked, and what follows it: another challenge or the tokens.
    func answer(_ step: ChallengeStep) async throws -> AuthOutcome
}

extension ChallengeResponder {
    func sessionHandle(_ request: ChallengeRequest, auth: AuthService) async throws -> String? { request.session }
}

/// Every challenge family Cognate answers.
enum ChallengeResponders {
    static let all: [any ChallengeResponder] = [
        PasswordVerifierResponder(), NewPasswordResponder(), DeviceSRPResponder(), CodeResponder(), MfaChoiceResponder(),
        MfaSetupResponder(), FirstFactorResponder(), PasskeyResponder(), CustomChallengeResponder(),
    ]

    private static let byChallenge: [ChallengeNameType: any ChallengeResponder] = {
        var table: [ChallengeNameType: any ChallengeResponder] = [:]
        for responder in all {
            for challenge in responder.challenges {
                precondition(table[challenge] == nil, "two responders answer \(challenge.rawValue)")
                table[challenge] = responder
            }
        }
        return table
    }()

    static func responder(for challenge: ChallengeNameType) -> (any ChallengeResponder)? { byChallenge[challenge] }
}
