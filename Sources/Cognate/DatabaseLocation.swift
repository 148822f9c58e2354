import Foundation

/// What `--db` names: an SQLite file, or a PostgreSQL database by URL. Anything else that looks like a URL
/// is refused at start, rather than taken for a file path (`postgres://…` once made a directory named
/// `postgres:`).
enum DatabaseLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    struct Unusable: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> DatabaseLocation {
        guard let schemeEnd = text.range(of: "://") else {
            guard !text.isEmpty else { throw Unusable(description: "--db is empty: give an SQLite file path or a postgres:// URL.") }
            return .sqlite(path: text)
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "postgres", "postgresql":
            guard let url = URL(string: text), url.host != nil, !(url.host ?? "").isEmpty else {
                throw Unusable(description: "the PostgreSQL URL is not one Cognate can read: postgres://user:password@host:port/database")
            }
            return .postgres(url: text)
        case "sqlite", "file":
            throw Unusable(description: "give an SQLite database as a file path (--db ./data/cognate.sqlite), not a \(scheme):// URL.")
        default:
            throw Unusable(
                description: """
                    Cognate cannot use a \(scheme.prefix(32)):// database: give an SQLite file path, or \
                    postgres://user:password@host:port/database for PostgreSQL.
                    """)
        }
    }

    /// What a message may repeat of a `--db` value that could not be read: no credentials.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") else { return String(text.prefix(256)) }
        return String(text[..<scheme.upperBound]) + "…" + String(text[at...].prefix(256))
    }

    /// How the log and messages name it: a URL without its password.
    var display: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}
