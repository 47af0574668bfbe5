#if PostgreSQL
import Foundation
import HPO
import PostgresNIO
import Synchronization

/// Optuna's RDB storage on PostgreSQL (postgres-nio), with the schema Optuna 5.0 creates there
/// (real ENUM types), so Python Optuna and hpotop workers share one study across machines.
///
/// Every state change is one transaction. Trials are started under a lock on the study row
/// (`SELECT … FOR UPDATE`), so trial numbers and the `n_trials` budget hold under any number of
/// concurrent workers; WAITING trials are taken with `FOR UPDATE SKIP LOCKED`. A lost connection
/// is retried with backoff for `retryFor` seconds, then reported as a `StorageError(.backend)`.
public final class PostgresStorage: Storage {
  /// The URL without its password.
  public let displayURL: String
  public let url: PostgresURL
  /// How long an operation keeps retrying a lost connection before it fails.
  public let retryFor: TimeInterval
  let pool: PostgresPool
  let logger: Logger
  private let ready = Mutex<Task<Void, Error>?>(nil)
  /// False once the server refused to create `StartFunction` (no TEMPORARY privilege): trials
  /// then start in a transaction of four round trips.
  let startFunctionAllowed = Mutex(true)

  /// Opens a storage from a `postgresql://user:pass@host:port/db` URL. The connection is made
  /// (and the schema created when the database has none) on the first operation.
  public convenience init(url: String, retryFor: TimeInterval = 60) throws {
    try self.init(url: PostgresURL(parsing: url), retryFor: retryFor)
  }

  public init(url: PostgresURL, retryFor: TimeInterval = 60) {
    self.url = url
    self.displayURL = url.displayURL
    self.retryFor = retryFor
    var config = PostgresClient.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password,
      database: url.database, tls: .disable)
    config.options.maximumConnections = 4
    config.options.connectionIdleTimeout = .seconds(30)
    config.options.additionalStartupParameters = [("TimeZone", "UTC")]
    var logger = Logger(label: "hpotop.postgres")
    logger.logLevel = .critical
    self.logger = logger
    self.pool = PostgresPool(configuration: config, logger: logger)
  }

  // MARK: Running transactions

  /// Runs `body` in one transaction (BEGIN … COMMIT) on a pooled connection. Connection loss,
  /// deadlocks and server restarts are retried with exponential backoff until `retryFor` has
  /// passed. `body` gets `isRetry` so that a state change whose COMMIT may have landed before the
  /// connection died can recognise its own earlier success.
  func transaction<T: Sendable>(
    _ op: String, _ body: @escaping @Sendable (PostgresConnection, _ isRetry: Bool) async throws -> T
  ) async throws -> T {
    try await ensureReady()
    return try await withRetry(op) { isRetry, seconds in
      try await self.withConnection(within: seconds) { conn in
        try await conn.query("BEGIN", logger: self.logger)
        do {
          let result = try await body(conn, isRetry)
          try await conn.query("COMMIT", logger: self.logger)
          return result
        } catch {
          _ = try? await conn.query("ROLLBACK", logger: self.logger)
          throw error
        }
      }
    }
  }

  /// Runs `body`, which sends exactly one statement that changes anything, on a pooled
  /// connection without BEGIN and COMMIT: PostgreSQL runs a lone statement as a transaction of
  /// its own, so this is as atomic as `transaction` at a third of the round trips. Retried as
  /// `transaction` is (`isRetry` as there: the statement may have committed before the
  /// connection died).
  func autocommit<T: Sendable>(
    _ op: String, _ body: @escaping @Sendable (PostgresConnection, _ isRetry: Bool) async throws -> T
  ) async throws -> T {
    try await ensureReady()
    return try await withRetry(op) { isRetry, seconds in
      try await self.withConnection(within: seconds) { conn in try await body(conn, isRetry) }
    }
  }

  /// Retries `attempt` on transient errors. Each attempt gets `isRetry` and the seconds it may
  /// take (at most 10, and never past the deadline), so a dead server cannot hang it.
  func withRetry<T: Sendable>(
    _ op: String, _ attempt: @escaping @Sendable (_ isRetry: Bool, _ seconds: TimeInterval) async throws -> T
  )
    async throws -> T
  {
    let deadline = Date().addingTimeInterval(retryFor)
    var delay = 0.05
    var isRetry = false
    var lastError = ""
    while true {
      do {
        return try await attempt(isRetry, max(1, min(10, deadline.timeIntervalSinceNow)))
      } catch let e as StorageError {
        throw e
      } catch let e as PostgresStorageTimeout {
        lastError = "no answer within \(Int(e.seconds)) s"
      } catch {
        guard Self.isTransient(error) else { throw mapError(op, error) }
        lastError = Self.describe(error)
      }
      if Task.isCancelled { throw CancellationError() }
      if Date().addingTimeInterval(delay) > deadline {
        throw StorageError(.backend,
          "\(op) failed: cannot reach the PostgreSQL server at \(displayURL) (retried for "
            + "\(Int(retryFor)) s; last error: \(lastError))")
      }
      try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
      delay = min(delay * 2, 2)
      isRetry = true
    }
  }

  /// Runs `body` on a pooled connection; a body that gets no answer within `seconds` is
  /// abandoned (not awaited: postgres-nio may never return it) and the pool is replaced.
  func withConnection<T: Sendable>(
    within seconds: TimeInterval, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
  ) async throws -> T {
    let (client, generation) = pool.client
    do {
      return try await Self.abandoning(after: seconds) { try await client.withConnection(body) }
    } catch let timeout as PostgresStorageTimeout {
      pool.reset(generation: generation)
      throw timeout
    }
  }

  /// Runs `body` in a task of its own and returns its result, or throws `PostgresStorageTimeout`
  /// after `seconds` (or `CancellationError` when the caller is cancelled) without waiting for it.
  static func abandoning<T: Sendable>(
    after seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        race.start(continuation, seconds: seconds, body)
        if Task.isCancelled { race.finish(.failure(CancellationError())) }
      }
    } onCancel: {
      race.finish(.failure(CancellationError()))
    }
  }

  /// One attempt racing its time limit: whichever ends first resumes the caller, once; the
  /// other is cancelled and not waited for.
  final class Race<T: Sendable>: Sendable {
    private struct State {
      var continuation: CheckedContinuation<T, Error>?
      var tasks: [Task<Void, Never>] = []
      var result: Result<T, Error>?
    }
    private let state = Mutex(State())

    func start(
      _ continuation: CheckedContinuation<T, Error>, seconds: TimeInterval,
      _ body: @escaping @Sendable () async throws -> T
    ) {
      let work = Task {
        do { self.finish(.success(try await body())) } catch { self.finish(.failure(error)) }
      }
      let timer = Task {
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        if !Task.isCancelled { self.finish(.failure(PostgresStorageTimeout(seconds: seconds))) }
      }
      let early = state.withLock { s -> Result<T, Error>? in
        s.tasks = [work, timer]
        if let r = s.result { return r }
        s.continuation = continuation
        return nil
      }
      if let early {
        work.cancel()
        timer.cancel()
        continuation.resume(with: early)
      }
    }

    func finish(_ result: Result<T, Error>) {
      let (continuation, tasks) = state.withLock { s -> (CheckedContinuation<T, Error>?, [Task<Void, Never>]) in
        guard s.result == nil else { return (nil, []) }
        s.result = result
        defer { s.continuation = nil }
        return (s.continuation, s.tasks)
      }
      for t in tasks { t.cancel() }
      continuation?.resume(with: result)
    }
  }

  /// Whether an error means "try again": the connection or server went away, or the server
  /// chose this transaction as a deadlock or serialization victim.
  static func isTransient(_ error: Error) -> Bool {
    if error is CancellationError { return false }
    if let e = error as? PSQLError {
      switch e.code {
      case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
        .messageDecodingFailure, .unexpectedBackendMessage:
        return true
      case .server:
        let state = e.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "40001"
          || state == "40P01" || state == "53300"
      default:
        return false
      }
    }
    // NIO's connect errors (refused, reset) surface as IOError / ChannelError / connect errors.
    let text = String(describing: type(of: error))
    return text.contains("IOError") || text.contains("ChannelError") || text.contains("Connect")
  }

  /// A one-line description of a database error (server message and SQLSTATE; never the
  /// connection settings).
  static func describe(_ error: Error) -> String {
    if let e = error as? PSQLError {
      if let info = e.serverInfo, let message = info[.message] {
        return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
      }
      return "\(e.code)"
    }
    return "\(error)"
  }

  func mapError(_ op: String, _ error: Error) -> Error {
    if error is StorageError || error is CancellationError || error is StartFunction.Refused { return error }
    if let e = error as? PSQLError, e.code == .server {
      let state = e.serverInfo?[.sqlState] ?? ""
      if state == "28P01" || state == "28000" {
        return StorageError(.backend, "PostgreSQL at \(displayURL) refused the login: \(Self.describe(e))")
      }
      if state == "3D000" {
        return StorageError(.backend, "PostgreSQL at \(displayURL): \(Self.describe(e))")
      }
    }
    return StorageError(.backend, "\(op) failed on \(displayURL): \(Self.describe(error))")
  }

  // MARK: Schema

  /// Creates Optuna's schema once per storage object (under an advisory lock, so concurrent
  /// workers on an empty database create it once), and checks the alembic version.
  func ensureReady() async throws {
    let task = ready.withLock { state -> Task<Void, Error> in
      if let state { return state }
      let t = Task { try await self.prepareSchema() }
      state = t
      return t
    }
    do {
      try await task.value
    } catch {
      ready.withLock { state in state = nil }  // let a later call try again
      throw error
    }
  }

  private func prepareSchema() async throws {
    try await withRetry("connect") { _, seconds in
      try await self.withConnection(within: seconds) { conn in
        try await conn.query("BEGIN", logger: self.logger)
        do {
          try await conn.query("SELECT pg_advisory_xact_lock(7011946303)", logger: self.logger)
          let rows = try await conn.query("""
            SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
            """, logger: self.logger)
          var tables: [String] = []
          for try await name in rows.decode(String.self) { tables.append(name) }
          if tables.isEmpty {
            for statement in PostgresSchema.statements {
              try await conn.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
            }
            try await conn.query("""
              INSERT INTO version_info (version_info_id, schema_version, library_version)
              VALUES (1, \(PostgresSchema.schemaVersion), \(PostgresSchema.libraryVersion))
              """, logger: self.logger)
            try await conn.query(
              "INSERT INTO alembic_version (version_num) VALUES (\(PostgresSchema.alembicVersion))",
              logger: self.logger)
          } else {
            guard tables.contains("alembic_version") else {
              throw StorageError(.incompatibleSchema,
                "\(self.displayURL) is not an Optuna storage (no alembic_version table; tables: \(tables.sorted().joined(separator: ", "))).")
            }
            var version: String?
            for try await v in try await conn.query("SELECT version_num FROM alembic_version", logger: self.logger)
              .decode(String.self) { version = v }
            guard version == PostgresSchema.alembicVersion else {
              throw StorageError(.incompatibleSchema,
                "\(self.displayURL) has Optuna schema version \(version ?? "none"), but hpotop needs \(PostgresSchema.alembicVersion). Run `optuna storage upgrade --storage \(self.displayURL)` first.")
            }
          }
          try await conn.query("COMMIT", logger: self.logger)
        } catch {
          _ = try? await conn.query("ROLLBACK", logger: self.logger)
          throw error
        }
      }
    }
  }
}

/// An attempt that got no answer in time (the server is down or unreachable).
struct PostgresStorageTimeout: Error {
  let seconds: TimeInterval
}
#endif
