import PostgresNIO

/// The read of the cache epoch (see `PostgresEngine.cacheEpoch`), prepared once on each connection so that
/// PostgreSQL does not parse and plan it on every request.
struct CacheEpochQuery: PostgresPreparedStatement {
    static let sql = "SELECT value FROM cache_epoch WHERE id = 1"
    typealias Row = Int64

    func makeBindings() -> PostgresBindings { PostgresBindings() }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
