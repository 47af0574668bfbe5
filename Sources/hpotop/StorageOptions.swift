import ArgumentParser
import Foundation
import HPO
import HPOJournal
import HPOSQLite
#if PostgreSQL
import HPOPostgres
#endif

/// `--storage` and `--study-name`, shared by the scripting commands as in the `optuna` CLI.
struct StorageOptions: ParsableArguments {
  @Option(help: "Storage URL, e.g. sqlite:///study.db (default: $HPOTOP_STORAGE or $OPTUNA_STORAGE).")
  var storage: String?
  /// Optuna CLI's logging flags, accepted wherever a storage is: `--verbose` adds info lines
  /// (study creation), `--quiet` drops them, `--log-file` also appends them to a file.
  @Flag(help: "More log lines on stderr (Optuna's --verbose).") var verbose = false
  @Flag(help: "Only warnings and errors on stderr (Optuna's --quiet).") var quiet = false
  @Option(help: "Also append log lines to this file (Optuna's --log-file).") var logFile: String?

  /// Writes an info line to stderr with `--verbose` (and to `--log-file` unless `--quiet`).
  func logVerbose(_ message: String) {
    let line = "[I \(logTimestamp())] \(message)"
    if verbose && !quiet { printError(line) }
    if let logFile, !quiet {
      if !FileManager.default.fileExists(atPath: logFile) { FileManager.default.createFile(atPath: logFile, contents: nil) }
      if let h = FileHandle(forWritingAtPath: logFile) {
        h.seekToEndOfFile()
        h.write(Data((line + "\n").utf8))
        try? h.close()
      }
    }
  }

  func url() throws -> String {
    if let storage { return storage }
    let env = ProcessInfo.processInfo.environment
    if let s = env["HPOTOP_STORAGE"] ?? env["OPTUNA_STORAGE"], !s.isEmpty { return s }
    // Optuna's CLI prints its usage on stdout here; scripts (and its test suite) look for it.
    let command = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "COMMAND"
    print("usage: hpotop \(command) --storage STORAGE [options]  (see hpotop \(command) --help)")
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

/// `--storage` and an optional `--study-name`, for the commands where Optuna's CLI makes the name
/// optional (`tell`): without it the storage must hold exactly one study, as `optuna.load_study`
/// with no name requires.
struct OptionalStudyOptions: ParsableArguments {
  @OptionGroup var storage: StorageOptions
  @Option(help: "The study's name (may be left out when the storage holds one study).")
  var studyName: String?

  func load(sampler: any Sampler = RandomSampler()) async throws -> Study {
    let opened = try storage.open()
    if let studyName { return try await Study.load(name: studyName, storage: opened, sampler: sampler) }
    let all = try await opened.studies()
    guard all.count == 1 else {
      throw BadInput("no --study-name given and the storage holds \(all.count) studies: name one")
    }
    return try await Study.load(name: all[0].name, storage: opened, sampler: sampler)
  }
}

struct FormatOption: ParsableArguments {
  @Option(name: [.customShort("f"), .long], help: "Output format: table, json, yaml, csv or value.")
  var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// Opens a storage URL: `sqlite:///relative.db`, `sqlite:////absolute.db`, (built with
/// `--traits PostgreSQL`) `postgresql://user@host:port/db`, or a plain path (`StoragePath.kind`:
/// an Optuna journal file, or a SQLite file told by its header or a `.db` name).
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
  if !url.contains("://") {
    switch StoragePath.kind(of: url) {
    case .sqlite: return try SQLiteStorage(path: url, readOnly: readOnly)
    case .journal: return try JournalFileStorage(path: url, create: !readOnly)
    case .missing:
      throw BadInput(
        "no storage file \(url): a plain path must name an existing Optuna journal file or SQLite file; "
          + "a new one is made for a path ending in .db (SQLite) or .log (journal)")
    }
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
  if !url.contains("://") && StoragePath.kind(of: url) == .sqlite { return url }
  return nil
}

/// What a plain-path storage string names (docs/DECISIONS.md, "Storage strings").
enum StoragePath {
  enum Kind: Equatable { case sqlite, journal, missing }

  /// An existing file starting with SQLite's header is SQLite; any other existing file (an empty
  /// one too, except an empty `*.db`) is an Optuna journal, as Optuna's CLI reads a plain path.
  /// A missing path ending in `.db`/`.sqlite`/`.sqlite3` is a new SQLite file, one ending in
  /// `.log` a new journal; any other missing path is an error, as in Optuna's CLI.
  static func kind(of path: String) -> Kind {
    let sqliteName = path.hasSuffix(".db") || path.hasSuffix(".sqlite") || path.hasSuffix(".sqlite3")
    guard let handle = FileHandle(forReadingAtPath: path) else {
      if sqliteName { return .sqlite }
      return path.hasSuffix(".log") ? .journal : .missing
    }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 16)) ?? Data()
    if head == Data("SQLite format 3\u{0}".utf8) { return .sqlite }
    if head.isEmpty && sqliteName { return .sqlite }
    return .journal
  }
}
