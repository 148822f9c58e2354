import CognateSQL
import PostgresNIO

/// A `KeyedRead` as a statement PostgreSQL prepares once on each connection, under its shape's name, so
/// that it is not parsed and planned on every request. Its keys are declared text, as the columns are.
struct KeyedReadStatement<Shape: KeyedReadShape>: PostgresPreparedStatement {
    /// Short: PostgreSQL cuts names at 63 bytes, and the type's own name would make two reads one.
    static var name: String { KeyedReadShapes.names[Shape.read]! }
    static var sql: String { KeyedReadShapes.texts[Shape.read]! }
    static var bindingDataTypes: [PostgresDataType] { Array(repeating: .text, count: Shape.read.keyCount) }
    typealias Row = PostgresRow

    let keys: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: keys.count)
        for key in keys { bindings.append(key) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// One `KeyedRead` as a type: a prepared statement's name and text are its type's.
protocol KeyedReadShape: SendableMetatype {
    static var read: KeyedRead { get }
}

enum KeyedReadShapes {
    /// Each read's statement name and its text with PostgreSQL's `$n`, made once.
    static let names = Dictionary(uniqueKeysWithValues: KeyedRead.allCases.map { ($0, "cognate.\($0)") })
    static let texts = Dictionary(uniqueKeysWithValues: KeyedRead.allCases.map { ($0, withEpoch($0.text { "$\($0)" })) })

    /// The select-list item that brings the cache epoch (an uncorrelated subquery: PostgreSQL reads it once).
    static let epochSelection = "(\(CacheEpochQuery.sql)) AS \(KeyedRows<Int>.epochColumn), "

    /// `text`, a SELECT, with the cache epoch as its first column.
    static func withEpoch(_ text: String) -> String {
        let select = "SELECT "
        precondition(text.hasPrefix(select), "a keyed read is a SELECT: \(text)")
        return select + epochSelection + text.dropFirst(select.count)
    }

    /// The shape of each read.
    static func of(_ read: KeyedRead) -> any KeyedReadShape.Type {
        switch read {
        case .userByUsernameKey: return UserByUsernameKey.self
        case .userBySub: return UserBySub.self
        case .userByAlias: return UserByAlias.self
        case .refreshTokenByHash: return RefreshTokenByHash.self
        case .refreshTokenByOrigin: return RefreshTokenByOrigin.self
        case .usersPage: return UsersPage.self
        case .usersPageAfter: return UsersPageAfter.self
        case .groupsOfMember: return GroupsOfMember.self
        case .groupsOfMemberAfter: return GroupsOfMemberAfter.self
        }
    }
}

enum UserByUsernameKey: KeyedReadShape { static let read = KeyedRead.userByUsernameKey }
enum UserBySub: KeyedReadShape { static let read = KeyedRead.userBySub }
enum UserByAlias: KeyedReadShape { static let read = KeyedRead.userByAlias }
enum RefreshTokenByHash: KeyedReadShape { static let read = KeyedRead.refreshTokenByHash }
enum RefreshTokenByOrigin: KeyedReadShape { static let read = KeyedRead.refreshTokenByOrigin }
enum UsersPage: KeyedReadShape { static let read = KeyedRead.usersPage }
enum UsersPageAfter: KeyedReadShape { static let read = KeyedRead.usersPageAfter }
enum GroupsOfMember: KeyedReadShape { static let read = KeyedRead.groupsOfMember }
enum GroupsOfMemberAfter: KeyedReadShape { static let read = KeyedRead.groupsOfMemberAfter }
