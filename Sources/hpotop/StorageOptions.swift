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

  func open() throws -> any Storage { try openStorage(url()) }
}

struct StudyOptions: ParsableArguments {
  @OptionGroup var storage: StorageOptions
  @Option(help: "The study's name.")
  var studyName: String

  func load() async throws -> Study {
    try await Study.load(name: studyName, storage: storage.open())
  }
}

struct FormatOption: ParsableArguments {
  @Option(name: [.customShort("f"), .long], help: "Output format: table, json, yaml, csv or value.")
  var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// Opens a storage URL: `sqlite:///relative.db`, `sqlite:////absolute.db`, a path to an
/// existing `.db` file, or (built with `--traits PostgreSQL`) `postgresql://user@host:port/db`.
func openStorage(_ url: String) throws -> any Storage {
  if url.hasPrefix("sqlite:") { return try SQLiteStorage(url: url) }
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
    return try SQLiteStorage(path: url)
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
