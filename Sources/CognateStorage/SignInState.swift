import CognitoModel

/// What a sign-in session carries from one challenge to the next, field by field. Each step sets the
/// fields it needs; a follow-up session carries the rest (the device, the custom rounds, the token source).
/// Stored as JSON inside the session's record.
public struct SignInState: Codable, Sendable, Equatable {
    /// The device the client named at the start (DEVICE_KEY), or the device a device SRP step is about.
    public var deviceKey: String?
    /// What PreTokenGeneration is told of the sign-in when the step that follows issues tokens; nil is
    /// an ordinary authentication.
    public var tokenSource: TokenSource?
    /// SRP's values between PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) and its answer.
    public var srp: SRPValues?
    /// The secret block the answer must repeat, where the session string is not the block itself.
    public var secretBlock: String?
    /// SELECT_CHALLENGE's offer: the first factors the user may choose from.
    public var firstFactorChoices: [ChallengeNameType]?
    /// SELECT_MFA_TYPE's offer.
    public var mfaChoices: [MfaFactor]?
    /// The hash of the code sent by SMS or email, and the wrong answers given to it so far.
    public var codeHash: String?
    public var codeAttempts: Int?
    /// MFA_SETUP: the secret AssociateSoftwareToken handed out, and whether VerifySoftwareToken accepted a code.
    public var softwareTokenSecret: String?
    public var softwareTokenVerified: Bool?
    /// WEB_AUTHN: the challenge the passkey must sign (base64url).
    public var webAuthnChallenge: String?
    /// The auth event threat protection records for this sign-in, which the later steps complete.
    public var authEventID: String?
    /// The second factor threat protection asked of this sign-in (MFA_IF_CONFIGURED, MFA_REQUIRED), for a step
    /// after the password's (a new password) to ask for.
    public var riskStepUp: RiskStepUp?
    /// CUSTOM_AUTH's rounds and the step in progress; present exactly in a custom sign-in.
    public var custom: CustomSignIn?

    public init(deviceKey: String? = nil, tokenSource: TokenSource? = nil) {
        self.deviceKey = deviceKey
        self.tokenSource = tokenSource
    }

    /// This state with `change` applied: what a step hands to the session that follows.
    public func with(_ change: (inout SignInState) -> Void) -> SignInState {
        var next = self
        change(&next)
        return next
    }

    /// The values of one SRP exchange, hex: the client's A, the server's B and its secret b.
    public struct SRPValues: Codable, Sendable, Equatable {
        public var clientPublic: String
        public var serverPublic: String
        public var serverSecret: String

        public init(clientPublic: String, serverPublic: String, serverSecret: String) {
            self.clientPublic = clientPublic
            self.serverPublic = serverPublic
            self.serverSecret = serverSecret
        }
    }

    /// A custom sign-in: the rounds so far, what CreateAuthChallenge made of the challenge being answered,
    /// and the SRP_A a sign-in that began with SRP keeps for the built-in password step.
    public struct CustomSignIn: Codable, Sendable, Equatable {
        public var rounds: [CustomChallengeRound]
        public var privateParameters: [String: String]?
        public var challengeMetadata: String?
        public var srpA: String?

        public init(rounds: [CustomChallengeRound] = [], srpA: String? = nil) {
            self.rounds = rounds
            self.srpA = srpA
        }
    }
}

/// One round of a custom sign-in, as DefineAuthChallenge's `session` array carries it.
public struct CustomChallengeRound: Codable, Sendable, Equatable {
    public var challengeName: String
    public var challengeResult: Bool
    /// CreateAuthChallenge's `challengeMetadata`, for CUSTOM_CHALLENGE rounds only (null otherwise).
    public var challengeMetadata: String?

    public init(challengeName: String, challengeResult: Bool, challengeMetadata: String? = nil) {
        self.challengeName = challengeName
        self.challengeResult = challengeResult
        self.challengeMetadata = challengeMetadata
    }
}

/// What adaptive authentication asks of a sign-in's MFA step.
public enum RiskStepUp: String, Codable, Sendable, Equatable {
    /// MFA_IF_CONFIGURED: a challenge where the user has or can receive a second factor, else sign in.
    case ifPossible
    /// MFA_REQUIRED: a challenge where the user has or can receive a second factor, else block.
    case required
}
