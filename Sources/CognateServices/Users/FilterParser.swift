import CognateStorage
import CognitoModel

/// Parses ListUsers filters: `name = "value"` (exact) or `name ^= "value"` (prefix); quotes inside the
/// value are escaped with a backslash. An empty filter means no filter.
enum FilterParser {
    static func parse(_ text: String) throws(CognitoError) -> UserFilter? {
        var rest = Substring(text).trimmingWhitespace()
        if rest.isEmpty { return nil }
        let name = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != "^" }
        rest = rest.dropFirst(name.count).trimmingWhitespace()
        let match: UserFilter.Match
        if rest.hasPrefix("^=") {
            match = .prefix
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("=") {
            match = .equals
            rest = rest.dropFirst()
        } else {
            throw Errors.invalidParameter("Error while parsing filter.")
        }
        rest = rest.trimmingWhitespace()
        guard rest.first == "\"" else {
            throw Errors.invalidParameter("Error while parsing filter.")
        }
        rest = rest.dropFirst()
        var value = ""
        var closed = false
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "\\", let next = rest.first {
                value.append(next)
                rest = rest.dropFirst()
            } else if c == "\"" {
                closed = true
                break
            } else {
                value.append(c)
            }
        }
        guard closed, rest.trimmingWhitespace().isEmpty else {
            throw Errors.invalidParameter("Error while parsing filter.")
        }
        guard let field = UserFilter.Field(rawValue: String(name)) else {
            throw Errors.invalidParameter("Invalid search attribute: \(name)")
        }
        return UserFilter(field: field, match: match, value: value)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
