/// A ListUsers filter: one indexed attribute compared with `=` or `^=`.
public struct UserFilter: Sendable, Equatable {
    /// The attributes ListUsers can filter on, each backed by an indexed column.
    public enum Field: String, Sendable, CaseIterable {
        case username
        case email
        case phoneNumber = "phone_number"
        case name
        case givenName = "given_name"
        case familyName = "family_name"
        case preferredUsername = "preferred_username"
        case userStatus = "cognito:user_status"
        case status
        case sub
    }

    public enum Match: Sendable, Equatable {
        case equals
        case prefix
    }

    public var field: Field
    public var match: Match
    public var value: String

    public init(field: Field, match: Match, value: String) {
        self.field = field
        self.match = match
        self.value = value
    }
}
