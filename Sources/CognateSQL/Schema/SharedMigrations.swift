/// Schema changes written once for every engine. Each engine's own history ends where this list takes
/// over (SQLite at its migration 11, PostgreSQL at its migration 2, the same schema); the steps here are
/// numbered after that history's last version, so that both engines apply them in the same order.
///
/// Add a schema change here, never to an engine's history; `SchemaParityTests` migrates both engines and
/// compares their tables, columns and indexes.
public enum SharedMigrations {
    /// The shared steps, in order; each is one migration (one transaction).
    static let steps: [[SchemaChange]] = []

    /// The shared steps as `dialect`'s migrations, numbered from `last + 1`.
    public static func migrations(_ dialect: SchemaDialect, after last: Int) -> [Migration] {
        steps.enumerated().map { index, changes in
            Migration(last + 1 + index, changes.map { $0.statement(for: dialect) })
        }
    }

    /// An engine's complete schema: its history, then the shared steps.
    public static func complete(_ history: [Migration], _ dialect: SchemaDialect) -> [Migration] {
        history + migrations(dialect, after: history.map(\.version).max() ?? 0)
    }
}
