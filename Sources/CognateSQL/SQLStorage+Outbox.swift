import CognateStorage
import SQLKit

/// The outbox of messages Cognate sent.
extension SQLStorage {
    public func appendMessage(_ message: OutboxMessage) async throws -> OutboxMessage {
        try await transaction { db in
            let next = try await db.raw("SELECT COALESCE(MAX(sequence), 0) + 1 AS n FROM outbox").first(decodingColumn: "n", as: Int64.self) ?? 1
            var stored = message
            stored.sequence = next
            let data = try Self.json(stored)
            try await db.raw(
                """
                INSERT INTO outbox (sequence, pool_id, recipient, data)
                VALUES (\(bind: next), \(bind: stored.poolID), \(bind: stored.recipient), \(bind: data))
                """
            ).run()
            if next % 64 == 0 {
                try await db.raw("DELETE FROM outbox WHERE sequence <= \(bind: next - Int64(OutboxMessage.retained))").run()
            }
            return stored
        }
    }

    public func listMessages(poolID: String?, recipient: String?) async throws -> [OutboxMessage] {
        try await read { db in
            var q: SQLQueryString = "SELECT data FROM outbox WHERE 1 = 1"
            if let poolID {
                q.appendInterpolation(unsafeRaw: " AND pool_id = ")
                q.appendInterpolation(bind: poolID)
            }
            if let recipient {
                q.appendInterpolation(unsafeRaw: " AND recipient = ")
                q.appendInterpolation(bind: recipient)
            }
            q.appendInterpolation(unsafeRaw: " ORDER BY sequence")
            return try await db.raw(q).all(decodingColumn: "data", as: String.self).map { try Self.record(OutboxMessage.self, $0) }
        }
    }
}
