import CognateStorage
import Foundation
import SQLKit

/// `RiskConfigurationStorage` and `AuthEventStorage` in SQL. Neither is cached: a configuration changed on
/// one node applies on every node at the next sign-in.
extension SQLStorage {
    // MARK: Risk configurations

    public func putRiskConfiguration(_ configuration: RiskConfiguration) async throws {
        let data = try Self.json(configuration)
        let client = configuration.clientID ?? ""
        try await transaction { db in
            try await Self.requireRow(db, "SELECT id FROM user_pools WHERE id = \(bind: configuration.poolID)")
            try await db.raw(
                """
                INSERT INTO risk_configurations (pool_id, client_id, data) VALUES (\(bind: configuration.poolID), \(bind: client), \(bind: data))
                ON CONFLICT (pool_id, client_id) DO UPDATE SET data = excluded.data
                """
            ).run()
        }
    }

    public func riskConfiguration(poolID: String, clientID: String?) async throws -> RiskConfiguration {
        try await read { db in
            try await Self.one(
                RiskConfiguration.self, db,
                "SELECT data FROM risk_configurations WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID ?? "")")
        }
    }

    public func deleteRiskConfiguration(poolID: String, clientID: String?) async throws {
        try await transaction { db in
            try await db.raw("DELETE FROM risk_configurations WHERE pool_id = \(bind: poolID) AND client_id = \(bind: clientID ?? "")").run()
        }
    }

    // MARK: Auth events

    public func appendAuthEvent(_ event: AuthEvent) async throws {
        let data = try Self.json(event)
        let created = event.createdAt.timeIntervalSince1970
        let oldest = event.createdAt.addingTimeInterval(-AuthEvent.retention).timeIntervalSince1970
        let (pool, user) = (event.poolID, event.usernameKey)
        try await transaction { db in
            // The events past the newest retained ones (the new one counted), and those too old, go first.
            try await db.raw(
                """
                DELETE FROM auth_events WHERE pool_id = \(bind: pool) AND username_key = \(bind: user)
                AND (created_at < \(bind: oldest) OR id IN (
                    SELECT id FROM auth_events WHERE pool_id = \(bind: pool) AND username_key = \(bind: user)
                    ORDER BY seq DESC, id DESC LIMIT 1000000000 OFFSET \(unsafeRaw: String(AuthEvent.retainedPerUser - 1))))
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO auth_events (id, pool_id, username_key, seq, created_at, data)
                VALUES (\(bind: event.id), \(bind: pool), \(bind: user),
                        (SELECT COALESCE(MAX(seq), 0) + 1 FROM auth_events WHERE pool_id = \(bind: pool) AND username_key = \(bind: user)),
                        \(bind: created), \(bind: data))
                """
            ).run()
        }
    }

    public func authEvents(poolID: String, usernameKey: String, after: String?, limit: Int) async throws -> [AuthEvent] {
        try await read { db in
            var query: SQLQueryString = "SELECT data FROM auth_events WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey)"
            if let after {
                guard
                    let seq = try await db.raw(
                        """
                        SELECT seq FROM auth_events WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey) AND id = \(bind: after)
                        """
                    ).first(decodingColumn: "seq", as: Int64.self)
                else { throw StorageError.invalidPageToken }
                query.appendNewestFirst(before: seq, id: after, limit: limit)
            } else {
                query.appendNewestFirst(before: nil, id: "", limit: limit)
            }
            return try await db.raw(query).all(decodingColumn: "data", as: String.self).map { try Self.record(AuthEvent.self, $0) }
        }
    }

    public func authEvent(poolID: String, usernameKey: String, id: String) async throws -> AuthEvent {
        try await read { db in
            try await Self.one(
                AuthEvent.self, db,
                "SELECT data FROM auth_events WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey) AND id = \(bind: id)")
        }
    }

    public func updateAuthEvent(
        poolID: String, usernameKey: String, id: String, _ change: @escaping @Sendable (inout AuthEvent) throws -> Void
    ) async throws -> AuthEvent {
        try await transaction { db in
            var event = try await Self.one(
                AuthEvent.self, db,
                "SELECT data FROM auth_events WHERE pool_id = \(bind: poolID) AND username_key = \(bind: usernameKey) AND id = \(bind: id)")
            try change(&event)
            event.id = id
            event.poolID = poolID
            event.usernameKey = usernameKey
            let data = try Self.json(event)
            try await db.raw("UPDATE auth_events SET data = \(bind: data) WHERE id = \(bind: id)").run()
            return event
        }
    }
}
