/// A user's status written as its text (`"CONFIRMED"`), where a fixture reads better so; code names the
/// model's constants (`.confirmed`).
extension UserStatusType: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
}
