import CognateCrypto
import CognateStorage
import CognateWebAuthn
import CognitoModel
import Foundation

/// A pool as a WebAuthn relying party: its RP ID, the origins that may speak for it, what it asks of
/// authenticators, and how WebAuthn failures read as Cognito errors.
struct RelyingParty {
    let id: String
    let userVerification: UserVerificationType
    /// Passkeys count as MFA (MULTI_FACTOR_WITH_USER_VERIFICATION).
    let multiFactor: Bool

    /// The pool's relying party: the configured RP ID, else the pool's prefix domain; passkeys must be
    /// among the pool's allowed first factors.
    init(_ pool: UserPool) throws(CognitoError) {
        let allowed = pool.settings.policies?.signInPolicy?.allowedFirstAuthFactors ?? [.password]
        guard allowed.contains(.webAuthn) else {
            throw CognitoError(.webAuthnNotEnabledException, "Passkeys are not enabled: add WEB_AUTHN to the pool's AllowedFirstAuthFactors.")
        }
        let configuration = pool.settings.webAuthnConfiguration
        let region = pool.id.split(separator: "_").first.map(String.init) ?? ""
        guard let id = configuration?.relyingPartyId ?? pool.domain.map({ "\($0).auth.\(region).amazoncognito.com" }) else {
            throw CognitoError(
                .webAuthnConfigurationMissingException,
                "The user pool has neither a WebAuthn relying party ID nor a domain.")
        }
        self.id = id
        userVerification = configuration?.userVerification ?? .preferred
        multiFactor = configuration?.factorConfiguration == .multiFactorWithUserVerification
    }

    var requiresUserVerification: Bool { userVerification == .required || multiFactor }

    /// An origin may speak for the RP ID when its host is the RP ID or under it, over HTTPS (or HTTP on localhost).
    func allows(origin: String) -> Bool {
        guard let url = URL(string: origin), let scheme = url.scheme, let host = url.host?.lowercased() else { return false }
        let rp = id.lowercased()
        guard host == rp || host.hasSuffix("." + rp) else { return false }
        let local = host == "localhost" || host.hasSuffix(".localhost")
        return scheme == "https" || (scheme == "http" && local)
    }

    func expectation(challenge: String) -> WebAuthnExpectation {
        let rp = self
        return WebAuthnExpectation(challenge: challenge, rpID: id, requireUserVerification: requiresUserVerification) {
            rp.allows(origin: $0)
        }
    }

    /// The Cognito error for a refused registration.
    static func registrationError(_ error: WebAuthnError) -> CognitoError {
        switch error {
        case .originNotAllowed: CognitoError(.webAuthnOriginNotAllowedException, error.message)
        case .relyingPartyMismatch: CognitoError(.webAuthnRelyingPartyMismatchException, error.message)
        case .challengeMismatch: CognitoError(.webAuthnChallengeNotFoundException, error.message)
        case .unsupportedAlgorithm, .unsupportedFormat: CognitoError(.webAuthnCredentialNotSupportedException, error.message)
        default: Errors.invalidParameter(error.message)
        }
    }
}

/// The parts of a RegistrationResponseJSON or AuthenticationResponseJSON that Cognate reads.
struct PublicKeyCredentialJSON {
    let id: String
    let fields: [String: JSONValue]
    let response: [String: JSONValue]

    init(_ value: JSONValue) throws(CognitoError) {
        guard case .object(let fields) = value, case .string(let id)? = fields["id"] ?? fields["rawId"],
            case .object(let response)? = fields["response"]
        else { throw Errors.invalidParameter("The credential is not a PublicKeyCredential JSON object with id and response.") }
        if case .string(let type)? = fields["type"], type != "public-key" {
            throw Errors.invalidParameter("The credential type is \(type), not public-key.")
        }
        self.id = id
        self.fields = fields
        self.response = response
    }

    /// Parses the JSON string a WEB_AUTHN challenge response carries in CREDENTIAL.
    init(json text: String) throws(CognitoError) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw Errors.invalidParameter("CREDENTIAL is not JSON.")
        }
        try self.init(value)
    }

    /// A base64url field of `response`, decoded.
    func bytes(_ name: String) throws(CognitoError) -> [UInt8] {
        guard case .string(let text)? = response[name], let data = Base64URL.decode(text) else {
            throw Errors.invalidParameter("The credential response lacks a base64url \(name).")
        }
        return Array(data)
    }

    var transports: [String] {
        guard case .array(let items)? = response["transports"] else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    var authenticatorAttachment: String? {
        if case .string(let s)? = fields["authenticatorAttachment"] { s } else { nil }
    }
}
