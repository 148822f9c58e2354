import CognateStorage
import Foundation
import SQLKit

/// `ProvisionedLimitStorage` in SQL. Not cached here: the quota gate keeps the rates it enforces and reads
/// them again every second, so a limit changed on one node applies on every node within a second.
extension SQLStorage {
    public func putProvisionedLimit(_ limit: ProvisionedLimit) async throws {
        let data = try Self.json(limit)
        try await transaction { db in
            try await db.raw(
                """
                INSERT INTO provisioned_limits (region, category, data) VALUES (\(bind: limit.region), \(bind: limit.category), \(bind: data))
                ON CONFLICT (region, category) DO UPDATE SET data = excluded.data
                """
            ).run()
        }
    }

    public func provisionedLimits(region: String) async throws -> [ProvisionedLimit] {
        try await read { db in
            try await db.raw("SELECT data FROM provisioned_limits WHERE region = \(bind: region) ORDER BY category").all().map {
                try Self.record(ProvisionedLimit.self, try $0.decode(column: "data", as: String.self))
            }
        }
    }
}
