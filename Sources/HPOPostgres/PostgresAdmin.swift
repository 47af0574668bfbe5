#if PostgreSQL
import Foundation
import HPO
import PostgresNIO

/// Runs plain SQL on a PostgreSQL server outside any Optuna schema: creating and dropping
/// databases for tests and benchmarks.
public enum PostgresAdmin {
  /// Runs each statement (outside a transaction, so `CREATE DATABASE` works) on `url`.
  public static func execute(url: PostgresURL, _ statements: [String]) async throws {
    var logger = Logger(label: "hpotop.postgres.admin")
    logger.logLevel = .critical
    let config = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password,
      database: url.database, tls: .disable)
    let conn: PostgresConnection
    do {
      conn = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
    } catch {
      throw StorageError(.backend, "cannot connect to \(url.displayURL): \(PostgresStorage.describe(error))")
    }
    do {
      for s in statements { try await conn.query(PostgresQuery(unsafeSQL: s), logger: logger) }
    } catch {
      try? await conn.close()
      throw StorageError(.backend, "\(statements.first ?? "") on \(url.displayURL): \(PostgresStorage.describe(error))")
    }
    try await conn.close()
  }

  /// Creates an empty database `name` (dropping one of that name first) and returns its URL.
  @discardableResult
  public static func recreateDatabase(admin: PostgresURL, name: String) async throws -> PostgresURL {
    try await execute(url: admin, [
      "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)", "CREATE DATABASE \"\(name)\"",
    ])
    return admin.with(database: name)
  }

  /// Drops database `name` if it exists (closing its connections).
  public static func dropDatabase(admin: PostgresURL, name: String) async throws {
    try await execute(url: admin, ["DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"])
  }
}
#endif
