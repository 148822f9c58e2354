import Foundation

/// The few column types that differ between the databases Cognate's schema runs on. A shared migration
/// writes a placeholder where they differ; each engine renders it in its own types:
///
/// | placeholder | SQLite  | PostgreSQL                                  |
/// |-------------|---------|---------------------------------------------|
/// | `{key}`     | TEXT    | TEXT COLLATE "C" (byte order, as SQLite's)  |
/// | `{text}`    | TEXT    | TEXT                                        |
/// | `{time}`    | REAL    | DOUBLE PRECISION                            |
/// | `{bytes}`   | BLOB    | BYTEA                                       |
/// | `{integer}` | INTEGER | BIGINT                                      |
///
/// Keys are compared byte by byte on both, which page tokens rely on.
public enum SchemaDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The statement with every placeholder replaced by this dialect's type.
    public func render(_ statement: String) -> String {
        var rendered = statement
        for (placeholder, sqlite, postgres) in Self.types {
            rendered = rendered.replacingOccurrences(of: placeholder, with: self == .sqlite ? sqlite : postgres)
        }
        return rendered
    }

    private static let types: [(String, String, String)] = [
        ("{key}", "TEXT", "TEXT COLLATE \"C\""),
        ("{text}", "TEXT", "TEXT"),
        ("{time}", "REAL", "DOUBLE PRECISION"),
        ("{bytes}", "BLOB", "BYTEA"),
        ("{integer}", "INTEGER", "BIGINT"),
    ]
}
