/// Why a WebAuthn registration or assertion was refused.
public enum WebAuthnError: Error, Equatable, Sendable {
    case malformed(String)
    case wrongType(String)
    case challengeMismatch
    case originNotAllowed(String)
    case relyingPartyMismatch
    case userNotPresent
    case userNotVerified
    case unsupportedAlgorithm(Int)
    case unsupportedFormat(String)
    case badAttestation(String)
    case badSignature
    case counterDidNotIncrease

    public var message: String {
        switch self {
        case .malformed(let detail): detail
        case .wrongType(let type): "The client data type is \(type), not the one this step expects."
        case .challengeMismatch: "The credential answers a different challenge."
        case .originNotAllowed(let origin): "The origin \(origin) is not allowed for the relying party."
        case .relyingPartyMismatch: "The credential belongs to a different relying party."
        case .userNotPresent: "The authenticator did not report user presence."
        case .userNotVerified: "The relying party requires user verification and the authenticator did not verify the user."
        case .unsupportedAlgorithm(let alg): "The COSE algorithm \(alg) is not supported (ES256 and RS256 are)."
        case .unsupportedFormat(let format): "The attestation format \(format) is not supported (none and packed are)."
        case .badAttestation(let detail): "The attestation statement does not verify: \(detail)"
        case .badSignature: "The assertion signature does not verify."
        case .counterDidNotIncrease: "The signature counter did not increase: the authenticator may be cloned."
        }
    }
}
