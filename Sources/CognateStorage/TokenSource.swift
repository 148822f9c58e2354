/// Why tokens are being made: PreTokenGeneration's trigger source. A sign-in session keeps it for the step
/// that issues the tokens.
public enum TokenSource: String, Codable, Sendable {
    case authentication = "TokenGeneration_Authentication"
    case hostedAuth = "TokenGeneration_HostedAuth"
    case newPasswordChallenge = "TokenGeneration_NewPasswordChallenge"
    case authenticateDevice = "TokenGeneration_AuthenticateDevice"
    case refreshTokens = "TokenGeneration_RefreshTokens"
    case clientCredentials = "TokenGeneration_ClientCredentials"
}
