/// A database's schema as the database itself lists it, with each column's type in one vocabulary for
/// every engine, so that two engines' schemas compare as values.
public struct SchemaDescription: Sendable, Equatable, CustomStringConvertible {
    public struct Column: Sendable, Equatable, Hashable {
        public var name: String
        /// `text`, `real`, `integer` or `bytes`.
        public var type: String
        public var notNull: Bool

        public init(name: String, type: String, notNull: Bool) {
            self.name = name
            self.type = Self.portable(type)
            self.notNull = notNull
        }

        /// The engine's type name in the shared vocabulary.
        static func portable(_ type: String) -> String {
            let lower = type.lowercased()
            if lower.hasPrefix("text") || lower.hasPrefix("character") { return "text" }
            if lower == "real" || lower == "double precision" { return "real" }
            if lower == "integer" || lower == "bigint" || lower == "int" || lower == "int8" { return "integer" }
            if lower == "blob" || lower == "bytea" { return "bytes" }
            return lower
        }
    }

    public struct Index: Sendable, Equatable, Hashable {
        public var name: String
        public var table: String
        public var columns: [String]
        public var unique: Bool

        public init(name: String, table: String, columns: [String], unique: Bool) {
            self.name = name
            self.table = table
            self.columns = columns
            self.unique = unique
        }
    }

    /// Columns of each table, in their order.
    public var tables: [String: [Column]]
    /// Named indexes (the ones a migration made, not those keys imply).
    public var indexes: [String: Index]

    public init(tables: [String: [Column]], indexes: [String: Index]) {
        self.tables = tables
        self.indexes = indexes
    }

    public var description: String {
        var lines: [String] = []
        for table in tables.keys.sorted() {
            let columns = tables[table]!.map { "\($0.name) \($0.type)\($0.notNull ? " not null" : "")" }
            lines.append("\(table)(\(columns.joined(separator: ", ")))")
        }
        for name in indexes.keys.sorted() {
            let index = indexes[name]!
            lines.append("\(index.unique ? "unique " : "")index \(name) on \(index.table)(\(index.columns.joined(separator: ", ")))")
        }
        return lines.joined(separator: "\n")
    }
}
