import CognitoModel
import Foundation

// The binary record form of a user and of the values it holds (see `BinaryRecord`). Fields are written
// in declaration order. A field added to any of these types needs a new format byte for `User` and a
// reader for the old layout; UserRecordTests fails when a field is left out.

extension User: BinaryRecord {
    /// 2 added `codeThrottle`, 3 `linkedIdentities`, 4 `nextSignInRisk`, 5 `regionalSignInFailures`; older
    /// records are read without them.
    public static let recordFormat: UInt8 = 5
    public static let readableFormats: ClosedRange<UInt8> = 1...5

    public func write(to writer: inout RecordWriter) {
        writer.write(poolID)
        writer.write(username)
        writer.write(usernameKey)
        writer.write(sub)
        writer.write(attributes)
        writer.write(status.rawValue)
        writer.write(enabled)
        writer.write(creationDate)
        writer.write(lastModifiedDate)
        writer.write(password)
        writer.write(passwordHistory)
        writer.write(temporaryPasswordExpiry)
        writer.write(aliasKeys)
        writer.write(failedSignIns)
        writer.write(lastFailedSignIn)
        // By purpose, sorted, so that equal users give equal bytes.
        writer.write(codes.map { codes in codes.sorted { $0.key < $1.key }.map { NamedCode(purpose: $0.key, code: $0.value) } })
        writer.write(mfa)
        writer.write(devices)
        writer.write(webAuthnCredentials)
        writer.write(pendingWebAuthnRegistration)
        writer.write(codeThrottle)
        writer.write(linkedIdentities)
        writer.write(nextSignInRisk?.rawValue)
        writer.write(regionalSignInFailures)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(
            poolID: try reader.read(), username: try reader.read(), usernameKey: try reader.read(), sub: try reader.read(),
            attributes: try reader.readArray(), status: UserStatusType(rawValue: try reader.read()), enabled: try reader.read(),
            creationDate: try reader.read(), lastModifiedDate: try reader.read())
        password = try reader.readOptional()
        passwordHistory = try reader.readOptional()
        temporaryPasswordExpiry = try reader.readOptional()
        aliasKeys = try reader.readArray()
        failedSignIns = try reader.readOptional()
        lastFailedSignIn = try reader.readOptional()
        codes = try reader.readOptional([NamedCode].self).map { named in
            Dictionary(named.map { ($0.purpose, $0.code) }, uniquingKeysWith: { _, last in last })
        }
        mfa = try reader.readOptional()
        devices = try reader.readOptional()
        webAuthnCredentials = try reader.readOptional()
        pendingWebAuthnRegistration = try reader.readOptional()
        if reader.format >= 2 { codeThrottle = try reader.readOptional() }
        if reader.format >= 3 { linkedIdentities = try reader.readOptional() }
        if reader.format >= 4 { nextSignInRisk = try reader.readOptional(String.self).map(RiskLevelType.init(rawValue:)) }
        if reader.format >= 5 { regionalSignInFailures = try reader.readOptional() }
    }
}

/// One entry of `User.codes`.
private struct NamedCode: RecordField {
    var purpose: String
    var code: PendingCode

    init(purpose: String, code: PendingCode) {
        self.purpose = purpose
        self.code = code
    }

    func write(to writer: inout RecordWriter) {
        writer.write(purpose)
        writer.write(code)
    }

    init(from reader: inout RecordReader) throws(RecordError) {
        purpose = try reader.read()
        code = try reader.read()
    }
}

extension UserAttribute: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(name)
        writer.write(value)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(name: try reader.read(), value: try reader.read())
    }
}

extension PasswordCredential: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(saltHex)
        writer.write(verifier)
        writer.write(setAt)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(saltHex: try reader.read(), verifier: try reader.read(), setAt: try reader.read())
    }
}

extension RegionalSignInFailures: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(region)
        writer.write(count)
        writer.write(last)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(region: try reader.read(), count: try reader.read(), last: try reader.read())
    }
}

extension PendingCode: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(hash)
        writer.write(expiresAt)
        writer.write(attribute)
        writer.write(failedAttempts)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(
            hash: try reader.read(), expiresAt: try reader.read(), attribute: try reader.readOptional(),
            failedAttempts: try reader.readOptional())
    }
}

extension MfaFactor: RecordField {
    public func write(to writer: inout RecordWriter) { writer.write(rawValue) }

    public init(from reader: inout RecordReader) throws(RecordError) {
        let raw = try reader.read(String.self)
        guard let factor = MfaFactor(rawValue: raw) else { throw RecordError("\(raw) is not an MFA factor") }
        self = factor
    }
}

extension UserMFA: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(smsEnabled)
        writer.write(softwareTokenEnabled)
        writer.write(emailEnabled)
        writer.write(preferred)
        writer.write(softwareToken)
        writer.write(pendingSecret)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init()
        smsEnabled = try reader.read()
        softwareTokenEnabled = try reader.read()
        emailEnabled = try reader.read()
        preferred = try reader.readOptional()
        softwareToken = try reader.readOptional()
        pendingSecret = try reader.readOptional()
    }
}

extension SoftwareToken: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(secret)
        writer.write(friendlyName)
        writer.write(verifiedAt)
        writer.write(lastUsedStep)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(secret: try reader.read(), friendlyName: try reader.readOptional(), verifiedAt: try reader.read())
        lastUsedStep = try reader.readOptional()
    }
}

extension Device: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(key)
        writer.write(groupKey)
        writer.write(name)
        writer.write(saltHex)
        writer.write(verifier)
        writer.write(remembered)
        writer.write(createdAt)
        writer.write(lastModifiedAt)
        writer.write(lastAuthenticatedAt)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(key: try reader.read(), groupKey: try reader.read(), createdAt: .distantPast)
        name = try reader.readOptional()
        saltHex = try reader.readOptional()
        verifier = try reader.readOptional()
        remembered = try reader.read()
        createdAt = try reader.read()
        lastModifiedAt = try reader.read()
        lastAuthenticatedAt = try reader.readOptional()
    }
}

extension WebAuthnCredential: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(credentialID)
        writer.write(publicKey)
        writer.write(signCount)
        writer.write(relyingPartyID)
        writer.write(friendlyName)
        writer.write(authenticatorAttachment)
        writer.write(transports)
        writer.write(createdAt)
        writer.write(lastUsedAt)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(
            credentialID: try reader.read(), publicKey: try reader.read(), signCount: try reader.read(),
            relyingPartyID: try reader.read(), friendlyName: try reader.read(),
            authenticatorAttachment: try reader.readOptional(), transports: try reader.readArray(), createdAt: try reader.read())
        lastUsedAt = try reader.readOptional()
    }
}

extension LinkedIdentity: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(providerName)
        writer.write(attributeName)
        writer.write(value)
        writer.write(linkedAt)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(providerName: try reader.read(), attributeName: try reader.read(), value: try reader.read(), linkedAt: try reader.read())
    }
}

extension CodeThrottle: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(sends)
        writer.write(failures)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(sends: try reader.readArray(), failures: try reader.readArray())
    }
}

extension PendingWebAuthnRegistration: RecordField {
    public func write(to writer: inout RecordWriter) {
        writer.write(challenge)
        writer.write(clientID)
        writer.write(expiresAt)
    }

    public init(from reader: inout RecordReader) throws(RecordError) {
        self.init(challenge: try reader.read(), clientID: try reader.read(), expiresAt: try reader.read())
    }
}
