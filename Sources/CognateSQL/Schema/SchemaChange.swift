/// One statement of a shared migration: written once with `SchemaDialect` placeholders, or, where the
/// databases need different statements altogether, once per engine.
public enum SchemaChange: Sendable {
    case portable(String)
    case perEngine(sqlite: String, postgres: String)

    public func statement(for dialect: SchemaDialect) -> String {
        switch self {
        case .portable(let statement): dialect.render(statement)
        case .perEngine(let sqlite, let postgres): dialect == .sqlite ? sqlite : postgres
        }
    }
}
