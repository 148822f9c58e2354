import CognateStorage
import CognitoModel

/// How a pool names its users: username keys, alias keys, and finding a user by any name they sign in with.
struct UserDirectory {
    let pool: UserPool
    let storage: any Storage

    /// The key a username is stored and compared under.
    func usernameKey(_ username: String) -> String {
        pool.isCaseSensitive ? username : username.lowercased()
    }

    private var usesEmailAsUsername: Bool { pool.settings.usernameAttributes?.contains(.email) == true }
    private var usesPhoneAsUsername: Bool { pool.settings.usernameAttributes?.contains(.phoneNumber) == true }

    /// The attributes that can stand in for the username, and whether each counts only once verified.
    var signInAttributes: [(name: String, needsVerification: Bool)] {
        var out: [(String, Bool)] = []
        if usesEmailAsUsername { out.append(("email", false)) }
        if usesPhoneAsUsername { out.append(("phone_number", false)) }
        for alias in pool.settings.aliasAttributes ?? [] {
            switch alias {
            case .email: out.append(("email", true))
            case .phoneNumber: out.append(("phone_number", true))
            default: out.append(("preferred_username", false))
            }
        }
        return out
    }

    func aliasKey(_ attribute: String, _ value: String) -> String {
        let comparable = (attribute == "phone_number" || pool.isCaseSensitive) ? value : value.lowercased()
        return attribute + ":" + comparable
    }

    /// The user's active aliases: the sign-in attributes they hold (verified where that is required).
    /// The identities of other providers linked to the user are aliases too: each belongs to one user.
    func aliasKeys(of user: User) -> [String] {
        signInAttributes.compactMap { attribute in
            guard let value = user.attribute(attribute.name) else { return nil }
            if attribute.needsVerification && user.attribute(attribute.name + "_verified") != "true" { return nil }
            return aliasKey(attribute.name, value)
        } + (user.linkedIdentities ?? []).map(\.aliasKey)
    }

    /// Which of a user's aliases another user holds already (`email`, `phone_number` or
    /// `preferred_username`), for the answer to a refused write.
    func takenAlias(of user: User) async throws -> String? {
        for key in aliasKeys(of: user) {
            if let other = try await StorageError.ifPresent({ try await storage.user(poolID: pool.id, aliasKey: key) }),
                other.usernameKey != user.usernameKey
            {
                return String(key.prefix { $0 != ":" })
            }
        }
        return nil
    }

    /// AWS's words for a taken email address or phone number.
    static func aliasTakenMessage(_ attribute: String?) -> String {
        "An account with the given \(attribute ?? "email") already exists."
    }

    /// The user a name refers to: their username, or an active alias of theirs.
    func find(_ name: String) async throws -> User {
        do {
            return try await storage.user(poolID: pool.id, usernameKey: usernameKey(name))
        } catch StorageError.notFound {
            for attribute in signInAttributes {
                if let user = try await StorageError.ifPresent({ try await storage.user(poolID: pool.id, aliasKey: aliasKey(attribute.name, name)) })
                {
                    return user
                }
            }
            throw Errors.userNotFound
        }
    }

    /// The user a name refers to, or nil when there is none (every other failure is thrown).
    func findIfPresent(_ name: String) async throws -> User? {
        do {
            return try await find(name)
        } catch let error as CognitoError where error.code == .userNotFoundException {
            return nil
        }
    }

    /// The username and attributes of a new user signing up (or created) with `name`: in pools that sign
    /// in with an email address or phone number, `name` must be one, becomes that attribute, and the
    /// user's real username is their `sub` (an attribute of that name given too must be the same); in pools with
    /// an email or phone alias, `name` may not look like one.
    func newUser(name: String, sub: String, attributes: [AttributeType]) throws(CognitoError) -> (username: String, attributes: [AttributeType]) {
        var given = attributes
        if let usernameAttributes = pool.settings.usernameAttributes, !usernameAttributes.isEmpty {
            let email = usernameAttributes.contains(.email)
            let phone = usernameAttributes.contains(.phoneNumber)
            let attribute: String
            if email && AttributeRules.isEmail(name) {
                attribute = "email"
            } else if phone && AttributeRules.isPhoneNumber(name) {
                attribute = "phone_number"
            } else {
                // AWS names what the pool's usernames must be.
                let expected = email && phone ? "either an email or a phone number" : email ? "an email" : "a phone number"
                throw Errors.invalidParameter("Username should be \(expected).")
            }
            if let value = given.first(where: { $0.name == attribute })?.value, !value.isEmpty {
                let same = attribute == "email" ? value.lowercased() == name.lowercased() : value == name
                guard same else {
                    let label = attribute == "email" ? "email" : "phone number"
                    throw Errors.invalidParameter("User \(label) should be empty or same as username, since username attribute is \(label)")
                }
            } else {
                given.removeAll { $0.name == attribute }
                given.append(AttributeType(name: attribute, value: name))
            }
            return (sub, given)
        }
        if pool.settings.aliasAttributes?.contains(.email) == true && AttributeRules.isEmail(name) {
            throw Errors.invalidParameter("Username cannot be of email format, since user pool is configured for email alias.")
        }
        if pool.settings.aliasAttributes?.contains(.phoneNumber) == true && AttributeRules.isPhoneNumber(name) {
            throw Errors.invalidParameter("Username cannot be of phone number format, since user pool is configured for phone number alias.")
        }
        return (name, given)
    }
}
