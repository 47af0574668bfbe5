import ArgumentParser
import Foundation
import HPO
import HPOSQLite
#if PostgreSQL
import HPOPostgres
#endif

/// `--storage` and `--study-name`, shared by the scripting commands as in the `optuna` CLI.
struct StorageOptions: ParsableArguments {
  @Option(help: "Storage URL, e.g. sqlite:///study.db (default: $HPOTOP_STORAGE or $OPTUNA_STORAGE).")
  var storage: String?

  func url() throws -> String {
    if let storage { return storage }
    let env = ProcessInfo.processInfo.environment
    if let s = env["HPOTOP_STORAGE"] ?? env["OPTUNA_STORAGE"], !s.isEmpty { return s }
    throw BadInput("no storage given: pass --storage sqlite:///path.db (or set HPOTOP_STORAGE)")
  }

  /// Opens the storage; `readOnly` for the commands that only read (nothing is created, locked
  /// for writing or switched to WAL, so a read-only file or mount works).
  func open(readOnly: Bool = false) throws -> any Storage { try openStorage(url(), readOnly: readOnly) }
}

struct StudyOptions: ParsableArguments {
  @OptionGroup var storage: StorageOptions
  @Option(help: "The study's name.")
  var studyName: String

  func load(readOnly: Bool = false) async throws -> Study {
    try await Study.load(name: studyName, storage: storage.open(readOnly: readOnly))
  }
}

struct FormatOption: ParsableArguments {
  @Option(name: [.customShort("f"), .long], help: "Output format: table, json, yaml, csv or value.")
  var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// Opens a storage URL: `sqlite:///relative.db`, `sqlite:////absolute.db`, a path to an
/// existing `.db` file, or (built with `--traits PostgreSQL`) `postgresql://user@host:port/db`.
/// `readOnly` opens a SQLite file for reading only; a missing file is then bad input.
func openStorage(_ url: String, readOnly: Bool = false) throws -> any Storage {
  if url.hasPrefix("sqlite:") { return try SQLiteStorage(url: url, readOnly: readOnly) }
  if url.hasPrefix("postgresql:") || url.hasPrefix("postgres:") {
    #if PostgreSQL
    do {
      return try PostgresStorage(url: url)
    } catch let e as StorageError {
      throw BadInput(e.message)
    }
    #else
    throw BadInput("this hpotop was built without PostgreSQL support (build with: swift build --traits PostgreSQL)")
    #endif
  }
  if !url.contains("://") && (url.hasSuffix(".db") || url.hasSuffix(".sqlite") || url.hasSuffix(".sqlite3")) {
    return try SQLiteStorage(path: url, readOnly: readOnly)
  }
  throw BadInput("unknown storage URL '\(redactedURL(url))': use sqlite:///path.db or postgresql://user@host/db")
}

/// A URL with any `user:password@` password replaced by `***`, for messages.
func redactedURL(_ url: String) -> String {
  guard let scheme = url.range(of: "://") else { return url }
  let rest = url[scheme.upperBound...]
  guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return url }
  return String(url[..<rest.index(after: colon)]) + "***" + String(rest[at...])
}

/// Opens a storage that `watch` reads and may steer: a SQLite file this process may write is
/// opened for writing, one on a read-only mount or without write permission for reading only.
/// A missing SQLite file is an error either way (watching never creates a database).
func openStorageForWatching(_ url: String) throws -> any Storage {
  guard let path = sqliteFilePath(url) else { return try openStorage(url) }
  guard FileManager.default.fileExists(atPath: path) else {
    throw StorageError(.invalidValue, "no SQLite database at \(path) (watching never creates one)")
  }
  let directory = (path as NSString).deletingLastPathComponent
  let writable = access(path, W_OK) == 0 && access(directory.isEmpty ? "." : directory, W_OK) == 0
  return try openStorage(url, readOnly: !writable)
}

/// The file of a SQLite storage URL or `.db` path, nil for other storages.
func sqliteFilePath(_ url: String) -> String? {
  if url.hasPrefix("sqlite:") { return try? SQLiteStorage.path(fromURL: url) }
  if !url.contains("://") && (url.hasSuffix(".db") || url.hasSuffix(".sqlite") || url.hasSuffix(".sqlite3")) { return url }
  return nil
}
