import CognateStorage
import CognitoModel
import Foundation

/// AWS's rules for one line of a user import file: the user it makes, or why it fails. The reasons name
/// rules and attributes, never values: "No user data is written to the log".
struct UserImportRow {
    let pool: UserPool
    let directory: UserDirectory
    let header: [String]

    static let maxCharacters = 16_000

    /// The failure the DG quotes for a user none of whose auto-verified attributes is true.
    static let noVerifiedAttribute =
        "The User Record does not set any of the auto verified attributes to true. (Example: email_verified to true)."

    enum Outcome {
        case user(User)
        case failed(String)
    }

    /// The user a line makes, as of `now`, with `sub` as their ID.
    func evaluate(_ line: String, sub: String, now: Date) -> Outcome {
        guard line.count <= Self.maxCharacters else { return .failed("The line is longer than 16000 characters.") }
        let values = UserImportCSV.fields(line)
        guard values.count == header.count else {
            return .failed("The line has \(values.count) values, and the header \(header.count) columns.")
        }
        var columns: [String: String] = [:]
        for (name, value) in zip(header, values) where !value.isEmpty { columns[name] = value }
        do {
            return .user(try user(columns, sub: sub, now: now))
        } catch {
            return .failed(error.message)
        }
    }

    private func user(_ columns: [String: String], sub: String, now: Date) throws(CognitoError) -> User {
        guard let name = columns["cognito:username"] else { throw Errors.invalidParameter("The cognito:username value is required.") }
        guard !name.contains(" "), !name.contains("\t") else { throw Errors.invalidParameter("The username can't contain spaces or tabs.") }
        guard name.count <= 128 else { throw Errors.invalidParameter("The username is longer than 128 characters.") }
        guard let mfaText = columns["cognito:mfa_enabled"] else { throw Errors.invalidParameter("The cognito:mfa_enabled value is required.") }
        guard let mfa = Self.boolean(mfaText) else { throw Errors.invalidParameter("cognito:mfa_enabled must be true or false.") }
        switch pool.settings.mfaConfiguration ?? .off {
        case .on where !mfa: throw Errors.invalidParameter("cognito:mfa_enabled must be true: the user pool requires MFA.")
        case .off where mfa: throw Errors.invalidParameter("cognito:mfa_enabled must be false: the user pool has MFA off.")
        default: break
        }
        var attributes: [AttributeType] = []
        for (column, value) in columns.sorted(by: { $0.key < $1.key }) where !column.hasPrefix("cognito:") {
            attributes.append(AttributeType(name: column, value: try Self.stored(column, value)))
        }
        attributes = AttributeRules.normalized(attributes)
        let rules = AttributeRules(pool: pool)
        try rules.check(attributes, creating: true)
        let verified = { (attribute: String) in attributes.first { $0.name == attribute + "_verified" }?.value == "true" }
        let present = { (attribute: String) in attributes.contains { $0.name == attribute } }
        for attribute in ["email", "phone_number"] where verified(attribute) && !present(attribute) {
            throw Errors.invalidParameter("\(attribute)_verified is true but the user has no \(attribute).")
        }
        let autoVerified = (pool.settings.autoVerifiedAttributes ?? []).map { $0 == .email ? "email" : "phone_number" }
        guard autoVerified.contains(where: verified) else { throw Errors.invalidParameter(Self.noVerifiedAttribute) }
        if mfa && !present("phone_number") {
            throw Errors.invalidParameter("cognito:mfa_enabled is true but the user has no phone_number for SMS MFA.")
        }
        let (username, given) = try directory.newUser(name: name, sub: sub, attributes: attributes)
        var user = User(
            poolID: pool.id, username: username, usernameKey: directory.usernameKey(username), sub: sub,
            attributes: [UserAttribute(name: "sub", value: sub)], status: .resetRequired, enabled: true, creationDate: now, lastModifiedDate: now)
        for attribute in given { user.setAttribute(attribute.name, attribute.value ?? "") }
        try rules.checkRequired(user)
        if mfa {
            var settings = UserMFA()
            settings.set(.sms, enabled: true)
            user.mfa = settings
        }
        user.aliasKeys = directory.aliasKeys(of: user)
        return user
    }

    /// `TRUE`, `true`, `False`…
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// A value as stored: `birthdate` from the file's `mm/dd/yyyy` to OpenID Connect's `yyyy-mm-dd`;
    /// `updated_at` must be epoch seconds.
    static func stored(_ column: String, _ value: String) throws(CognitoError) -> String {
        switch column {
        case "birthdate":
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4,
                let month = Int(parts[0]), let day = Int(parts[1]), Int(parts[2]) != nil, (1...12).contains(month), (1...31).contains(day)
            else { throw Errors.invalidParameter("birthdate must be in the form mm/dd/yyyy.") }
            return "\(parts[2])-\(parts[0])-\(parts[1])"
        case "updated_at":
            guard Int64(value) != nil else { throw Errors.invalidParameter("updated_at must be a number of seconds since the epoch.") }
            return value
        default:
            return value
        }
    }
}
