import CognateCrypto
import CognateStorage
import CognateWebAuthn
import CognateWire
import CognitoModel
import Foundation

/// Passkeys: StartWebAuthnRegistration and CompleteWebAuthnRegistration (real verification of the
/// authenticator's attestation), ListWebAuthnCredentials and DeleteWebAuthnCredential.
struct PasskeyService {
    let deps: ServiceDependencies
    init(_ deps: ServiceDependencies) { self.deps = deps }

    static let maxCredentials = 20
    static let maxPageSize = 20
    /// How long a registration or sign-in challenge stays valid, in milliseconds (also the options' timeout).
    static let timeout = 300_000

    var verifier: AccessTokenVerifier { AccessTokenVerifier(deps: deps) }

    func register(in table: inout OperationTable) {
        table.register(Operations.StartWebAuthnRegistration.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            return StartWebAuthnRegistrationResponse(
                credentialCreationOptions: try await start(pool: pool, user: user, clientID: claims["client_id"]?.string ?? ""))
        }
        table.register(Operations.CompleteWebAuthnRegistration.self) { input, _ in
            let (pool, user, claims) = try await verifier.verify(input.accessToken)
            try await complete(input.credential, pool: pool, user: user, clientID: claims["client_id"]?.string ?? "")
            return .init()
        }
        table.register(Operations.ListWebAuthnCredentials.self) { input, _ in
            let (_, user, _) = try await verifier.verify(input.accessToken)
            let credentials = user.webAuthnCredentials ?? []
            var start = 0
            if let token = input.nextToken {
                guard let index = credentials.firstIndex(where: { $0.credentialID == token }) else {
                    throw Errors.invalidParameter("The pagination token is not valid.")
                }
                start = index + 1
            }
            let size = min(max(input.maxResults ?? Self.maxPageSize, 1), Self.maxPageSize)
            let page = Array(credentials[start..<min(start + size, credentials.count)])
            let next = start + page.count < credentials.count ? page.last?.credentialID : nil
            return ListWebAuthnCredentialsResponse(credentials: page.map(\.wire), nextToken: next)
        }
        table.register(Operations.DeleteWebAuthnCredential.self) { input, _ in
            let (pool, user, _) = try await verifier.verify(input.accessToken)
            try await UserAdminService(deps).update(pool, user) { user in
                guard user.webAuthnCredentials?.contains(where: { $0.credentialID == input.credentialId }) == true else {
                    throw CognitoError(.resourceNotFoundException, "The user has no passkey \(input.credentialId).")
                }
                user.webAuthnCredentials?.removeAll { $0.credentialID == input.credentialId }
            }
            return .init()
        }
    }

    /// The PublicKeyCredentialCreationOptions for the user's authenticator; the challenge is kept on the user,
    /// bound to the app client that asked (through an access token, or the managed login session's page).
    func start(pool: UserPool, user: User, clientID: String) async throws -> JSONValue {
        try await RecoveryPause.refuse(poolID: pool.id, deps)
        let rp = try RelyingParty(pool)
        let credentials = user.webAuthnCredentials ?? []
        guard credentials.count < Self.maxCredentials else {
            throw CognitoError(.limitExceededException, "A user can register at most \(Self.maxCredentials) passkeys.")
        }
        let challenge = Base64URL.encode(deps.random.bytes(32))
        let pending = PendingWebAuthnRegistration(
            challenge: challenge, clientID: clientID,
            expiresAt: deps.clock.now().addingTimeInterval(Double(Self.timeout) / 1000))
        try await UserAdminService(deps).update(pool, user) { $0.pendingWebAuthnRegistration = pending }
        return .object([
            "challenge": .string(challenge),
            "rp": .object(["id": .string(rp.id), "name": .string(pool.name)]),
            "user": .object([
                "id": .string(Base64URL.encode(Array(user.sub.utf8))), "name": .string(user.username),
                "displayName": .string(user.attribute("name") ?? user.username),
            ]),
            "pubKeyCredParams": .array(
                [COSEKey.es256Algorithm, COSEKey.rs256Algorithm].map {
                    .object(["type": .string("public-key"), "alg": .number(Double($0))])
                }),
            "timeout": .number(Double(Self.timeout)),
            "excludeCredentials": .array(credentials.map { .object(["type": .string("public-key"), "id": .string($0.credentialID)]) }),
            "authenticatorSelection": .object([
                "residentKey": .string("required"), "requireResidentKey": .bool(true),
                "userVerification": .string(rp.userVerification.rawValue),
            ]),
            "attestation": .string("none"),
        ])
    }

    /// Verifies the authenticator's answer to the pending registration and stores the passkey. The pending
    /// challenge is used up by the attempt, whatever its outcome.
    func complete(_ credential: JSONValue, pool: UserPool, user: User, clientID: String) async throws {
        let rp = try RelyingParty(pool)
        let parsed = try PublicKeyCredentialJSON(credential)
        guard let pending = user.pendingWebAuthnRegistration, pending.expiresAt > deps.clock.now() else {
            throw CognitoError(.webAuthnChallengeNotFoundException, "No passkey registration is in progress, or it expired.")
        }
        try await UserAdminService(deps).update(pool, user) { $0.pendingWebAuthnRegistration = nil }
        guard pending.clientID == clientID else {
            throw CognitoError(.webAuthnClientMismatchException, "The registration was started by a different app client.")
        }
        let registration: WebAuthnRegistration
        do {
            registration = try WebAuthnVerifier.verifyRegistration(
                clientDataJSON: try parsed.bytes("clientDataJSON"), attestationObject: try parsed.bytes("attestationObject"),
                expecting: rp.expectation(challenge: pending.challenge))
        } catch let error as WebAuthnError {
            throw RelyingParty.registrationError(error)
        }
        let id = Base64URL.encode(registration.credentialID)
        let stored = WebAuthnCredential(
            credentialID: id, publicKey: Data(registration.publicKey), signCount: registration.signCount, relyingPartyID: rp.id,
            friendlyName: "Passkey", authenticatorAttachment: parsed.authenticatorAttachment, transports: parsed.transports,
            createdAt: deps.clock.now())
        try await UserAdminService(deps).update(pool, user) { user in
            var credentials = user.webAuthnCredentials ?? []
            guard !credentials.contains(where: { $0.credentialID == id }) else {
                throw Errors.invalidParameter("This passkey is already registered.")
            }
            guard credentials.count < Self.maxCredentials else {
                throw CognitoError(.limitExceededException, "A user can register at most \(Self.maxCredentials) passkeys.")
            }
            credentials.append(stored)
            user.webAuthnCredentials = credentials
        }
    }
}

extension WebAuthnCredential {
    var wire: WebAuthnCredentialDescription {
        WebAuthnCredentialDescription(
            credentialId: credentialID, friendlyCredentialName: friendlyName, relyingPartyId: relyingPartyID,
            authenticatorAttachment: authenticatorAttachment, authenticatorTransports: transports, createdAt: createdAt)
    }
}
