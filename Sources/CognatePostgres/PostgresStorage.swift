import CognateSQL
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Opens the PostgreSQL backend: `postgres://user:password@host:port/database` (`?sslmode=disable`,
/// `prefer` (the default) or `require`), migrated to the current schema.
public enum PostgresStorage {
    public struct BadURL: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty
        else { throw BadURL(description: "not a postgres://user:password@host:port/database URL") }
        guard let user = url.user, !user.isEmpty else { throw BadURL(description: "the URL names no user") }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw BadURL(description: "sslmode must be disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: url.password.map { $0.removingPercentEncoding ?? $0 }, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    public static func open(url: String, logger: Logger, connections: Int = 20) async throws -> SQLStorage {
        var configuration = try configuration(url: url)
        configuration.options.maximumConnections = connections
        let engine = PostgresEngine(configuration: configuration, logger: logger)
        let storage = SQLStorage(engine: engine)
        do {
            try await engine.migrate()
        } catch {
            try? await engine.close()
            throw error
        }
        return storage
    }
}
