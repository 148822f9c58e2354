import CognitoModel
import Foundation

/// The part of a user a point-in-time recovery restores — "user profiles and attributes, group memberships,
/// passwords, MFA settings, and passkeys" — beside what signing in keeps changing (lockout counters, pending
/// codes, devices, the last TOTP step and passkey counters used), which a recovery leaves as it is. A write that
/// changes only the latter is not journaled and goes on while a recovery pauses writes: sign-in keeps working.
public struct RecoverableUser: Equatable, Sendable {
    var username: String
    var sub: String
    var attributes: [UserAttribute]
    var status: UserStatusType
    var enabled: Bool
    var creationDate: Date
    var password: PasswordCredential?
    var passwordHistory: [PasswordCredential]?
    var temporaryPasswordExpiry: Date?
    var aliasKeys: [String]
    var mfa: UserMFA?
    var passkeys: [WebAuthnCredential]
    var linkedIdentities: [LinkedIdentity]?
}

extension User {
    /// What a recovery restores of this user, with the counters sign-in moves left out.
    public var recoverable: RecoverableUser {
        RecoverableUser(
            username: username, sub: sub, attributes: attributes, status: status, enabled: enabled, creationDate: creationDate,
            password: password, passwordHistory: passwordHistory, temporaryPasswordExpiry: temporaryPasswordExpiry, aliasKeys: aliasKeys,
            mfa: recoverableMFA, passkeys: recoverablePasskeys, linkedIdentities: linkedIdentities)
    }

    /// The MFA settings without the last accepted TOTP step; nil when no factor is on and no authenticator is
    /// registered (a user who never set MFA and one who turned it all off look alike).
    public var recoverableMFA: UserMFA? {
        guard var mfa else { return nil }
        mfa.softwareToken?.lastUsedStep = nil
        mfa.pendingSecret = nil
        if mfa.enabledFactors.isEmpty && mfa.softwareToken == nil && mfa.preferred == nil { return nil }
        return mfa
    }

    /// The passkeys without their signature counters and last use.
    public var recoverablePasskeys: [WebAuthnCredential] {
        (webAuthnCredentials ?? []).map { credential in
            var credential = credential
            credential.signCount = 0
            credential.lastUsedAt = nil
            return credential
        }
    }

    /// This user as of the recovery point (`self`, a before-image) merged into the user as they are now:
    /// the recoverable part is the image's, what sign-in changes stays as it is now, and a password set after
    /// `point` is kept — "users who changed their password after the recovery point keep their current
    /// password" — with its history, expiry and the status that goes with it.
    public func restored(over current: User?, point: Date) -> User {
        guard let current else { return self }
        var user = self
        user.failedSignIns = current.failedSignIns
        user.lastFailedSignIn = current.lastFailedSignIn
        user.regionalSignInFailures = current.regionalSignInFailures
        user.nextSignInRisk = current.nextSignInRisk
        user.codes = current.codes
        user.codeThrottle = current.codeThrottle
        user.devices = current.devices
        user.pendingWebAuthnRegistration = current.pendingWebAuthnRegistration
        if let token = user.mfa?.softwareToken, let now = current.mfa?.softwareToken, now.secret == token.secret {
            user.mfa?.softwareToken?.lastUsedStep = now.lastUsedStep
        }
        if let passkeys = user.webAuthnCredentials {
            user.webAuthnCredentials = passkeys.map { passkey in
                guard let now = current.webAuthnCredentials?.first(where: { $0.credentialID == passkey.credentialID }) else { return passkey }
                var passkey = passkey
                passkey.signCount = max(passkey.signCount, now.signCount)
                passkey.lastUsedAt = now.lastUsedAt
                return passkey
            }
        }
        if let password = current.password, password.setAt > point, password != self.password {
            user.password = current.password
            user.passwordHistory = current.passwordHistory
            user.temporaryPasswordExpiry = current.temporaryPasswordExpiry
            user.status = current.status
        }
        return user
    }
}
