import Foundation
import GRDB
import HPO
import Synchronization

/// Storage in a SQLite file with Optuna 5.0's RDB schema, so Python Optuna (and
/// optuna-dashboard) can read and write the same file while hpotop does.
///
/// The file is opened as a GRDB `DatabasePool`: WAL journal, one writer and several readers.
/// Every write runs in `pool.write`, which GRDB begins with `BEGIN IMMEDIATE`, and the busy
/// handler waits up to `busyTimeout` seconds, so several processes (or several instances in one
/// process) can write at once without "database is locked".
///
/// With WAL, `PRAGMA synchronous = NORMAL` is set: a commit is durable against a process crash,
/// and only the last transactions may be lost on a power cut, which costs no fsync per write.
///
/// WAL is hpotop's while it writes: the file returns to a rollback journal when the storage
/// closes (deinit, or the process's exit), so Optuna can still read the file from a read-only
/// mount (see `SQLiteStorage+JournalMode.swift`). `init(path:readOnly: true)` opens an existing
/// file for reading only, without creating, migrating or switching anything.
public final class SQLiteStorage: Storage {
  /// The storage URL (`sqlite:///…`) for headers and messages.
  public let displayURL: String
  /// The file path as given (relative paths are relative to the working directory).
  public let path: String
  /// A `DatabasePool` (WAL) for writing, a read-only `DatabaseQueue` for reading only.
  let pool: any DatabaseWriter
  /// Whether this storage was opened for reading only.
  public let isReadOnly: Bool
  /// Per study, what the last `startTrial` of this instance saw of the WAITING trials.
  let waitingScans = Mutex<[Int64: WaitingScan]>([:])

  /// Opens (creating if needed) the SQLite file at `path`.
  ///
  /// A new or empty file gets Optuna's schema. An existing file must carry Optuna's
  /// alembic head `v3.2.0.a`, otherwise `StorageError(.incompatibleSchema)` is thrown.
  ///
  /// With `readOnly`, the file must exist (nothing is created: `StorageError(.invalidValue)`
  /// otherwise) and is opened with SQLite's read-only flag; a WAL file that cannot be opened so
  /// (a read-only mount without its `-shm`) is opened `immutable`.
  public init(path: String, busyTimeout: TimeInterval = 30, synchronousNormal: Bool = true, readOnly: Bool = false) throws {
    self.path = path
    self.displayURL = "sqlite:///" + path  // an absolute path gives sqlite:////abs, as SQLAlchemy
    isReadOnly = readOnly
    var config = Configuration()
    config.busyMode = .timeout(busyTimeout)
    config.label = "hpotop.sqlite"
    if readOnly {
      pool = try Self.openReadOnly(path: path, configuration: config)
      try checkSchema()
      return
    }
    if synchronousNormal {
      config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    }
    pool = try Self.openPool(path: path, configuration: config, busyTimeout: busyTimeout)
    JournalModeKeeper.shared.register(self)
    try prepareSchema()
  }

  /// Opens a storage from an Optuna/SQLAlchemy URL: `sqlite:///relative.db` is relative to the
  /// working directory, `sqlite:////abs/path.db` is absolute.
  public convenience init(url: String, busyTimeout: TimeInterval = 30, readOnly: Bool = false) throws {
    try self.init(path: try Self.path(fromURL: url), busyTimeout: busyTimeout, readOnly: readOnly)
  }

  deinit {
    if !isReadOnly { restoreJournalMode() }
  }

  /// The file path in a `sqlite:///…` URL, following SQLAlchemy's rules.
  public static func path(fromURL url: String) throws -> String {
    let prefix = "sqlite:///"
    guard url.hasPrefix(prefix) else {
      throw StorageError(.invalidValue, "not a SQLite URL (expected sqlite:///path.db): \(url)")
    }
    var rest = String(url.dropFirst(prefix.count))
    if let q = rest.firstIndex(of: "?") { rest = String(rest[..<q]) }
    guard !rest.isEmpty else {
      throw StorageError(.invalidValue, "in-memory SQLite URLs are not supported here: \(url)")
    }
    return rest
  }

  // MARK: Schema

  private func prepareSchema() throws {
    do {
      try pool.write { db in
        let tables = try String.fetchAll(
          db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if tables.isEmpty {
          for statement in OptunaSchema.statements { try db.execute(sql: statement) }
          try db.execute(
            sql: "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)",
            arguments: [OptunaSchema.schemaVersion, OptunaSchema.libraryVersion])
          try db.execute(
            sql: "INSERT INTO alembic_version (version_num) VALUES (?)",
            arguments: [OptunaSchema.alembicVersion])
          return
        }
        try self.checkVersion(db, tables: tables)
      }
    } catch let e as StorageError {
      throw e
    } catch {
      throw StorageError(.backend, "cannot prepare the schema in \(path): \(error)")
    }
  }

  /// A read-only storage's schema check: the file must already hold Optuna's schema.
  private func checkSchema() throws {
    do {
      try readNow { db in
        let tables = try String.fetchAll(
          db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if tables.isEmpty {
          throw StorageError(.invalidValue, "\(self.path) holds no Optuna storage (the database is empty)")
        }
        try self.checkVersion(db, tables: tables)
      }
    } catch let e as StorageError {
      throw e
    } catch {
      throw StorageError(.backend, "cannot read \(path): \(error)")
    }
  }

  /// The schema must be Optuna's current head. An older one can be upgraded by Optuna; a newer
  /// one was written by a newer Optuna, which only a newer hpotop can read.
  private func checkVersion(_ db: Database, tables: [String]) throws {
    guard tables.contains("alembic_version") else {
      throw StorageError(.incompatibleSchema,
        "\(path) is not an Optuna storage (no alembic_version table; tables: \(tables.sorted().joined(separator: ", "))).")
    }
    let version = try String.fetchOne(db, sql: "SELECT version_num FROM alembic_version")
    guard version == OptunaSchema.alembicVersion else {
      let known = OptunaSchema.knownAlembicVersions
      if let version, let i = known.firstIndex(of: version), i < known.count - 1 {
        throw StorageError(.incompatibleSchema,
          "\(path) has the older Optuna schema \(version), but hpotop needs \(OptunaSchema.alembicVersion). Run `optuna storage upgrade --storage \(displayURL)` first.")
      }
      throw StorageError(.incompatibleSchema,
        "\(path) has Optuna schema \(version ?? "none"), which this hpotop does not know (it reads \(OptunaSchema.alembicVersion), "
          + "Optuna \(OptunaSchema.libraryVersion)'s): the file was written by a newer Optuna; use a newer hpotop to read it.")
    }
  }

  // MARK: Running statements

  // Statements run synchronously on the calling thread (GRDB's blocking API), not through its
  // async API: each async call hopped to GRDB's queue and back, two thread wake-ups that cost more
  // than the SQL itself (per trial 2-3 ms of 11 calls on a 2-core VM, against 0.8-1.7 ms now; see
  // bench/README.md). Transactions here are short, and no body awaits anything.

  /// Runs a write transaction (BEGIN IMMEDIATE), mapping database errors to `StorageError`.
  func write<T: Sendable>(_ op: String, _ body: @escaping @Sendable (Database) throws -> T)
    async throws -> T
  {
    if isReadOnly {
      throw StorageError(.readOnly, "\(op) is not possible: \(displayURL) is open read-only (a read-only file or mount)")
    }
    return try mappingErrors(op) { try writeNow(body) }
  }

  /// Runs a read (a consistent snapshot), mapping database errors to `StorageError`.
  func read<T: Sendable>(_ op: String, _ body: @escaping @Sendable (Database) throws -> T)
    async throws -> T
  {
    try mappingErrors(op) { try readNow(body) }
  }

  /// Runs a read (a consistent snapshot) on the caller's thread, blocking: for a body that
  /// writes out as it reads and so cannot be `Sendable` (`readTrialPages`).
  func readBlocking<T>(_ op: String, _ body: (Database) throws -> T) throws -> T {
    try mappingErrors(op) { try readNow(body) }
  }

  /// Runs `body`, turning a database error into a `StorageError(.backend)` that names the operation.
  private func mappingErrors<T>(_ op: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let e as StorageError {
      throw e
    } catch {
      throw StorageError(.backend, "\(op) failed on \(displayURL): \(error)")
    }
  }

  /// GRDB's blocking write (a synchronous function, so the blocking overload is the one chosen).
  private func writeNow<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }
  /// GRDB's blocking read.
  private func readNow<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }
}
