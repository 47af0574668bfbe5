import Foundation
import GRDB
import HPO
import Synchronization

// hpotop writes in WAL mode, which lets readers and writers overlap. A WAL file, though, cannot
// be opened from a read-only mount once its `-shm` is gone (SQLite must create it), and Optuna
// never uses WAL. So hpotop returns the file to a rollback journal (DELETE, Optuna's) when a
// writing storage closes. WAL is the only journal mode a file keeps (DELETE, TRUNCATE and PERSIST
// are settings of each connection), so "the mode it had" is always a rollback journal, except
// for a file already in WAL: a crashed hpotop's leftover or a user's choice, which hpotop cannot
// tell apart and also returns to DELETE. The switch needs the file to itself, so it is tried
// without waiting: when another connection is open (another hpotop, Python Optuna), the file
// stays in WAL and the last hpotop to close switches it.

extension SQLiteStorage {
  /// Opens a file for reading only: SQLite's read-only flag, then `immutable` when that fails
  /// (a WAL file on a read-only mount without its `-shm`). A missing file is an error.
  static func openReadOnly(path: String, configuration: Configuration) throws -> any DatabaseWriter {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw StorageError(.invalidValue, "no SQLite database at \(path) (reading never creates one)")
    }
    var config = configuration
    config.readonly = true
    do {
      let queue = try DatabaseQueue(path: path, configuration: config)
      try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
      return queue
    } catch {
      // Only a WAL file needs its `-shm`; any other failure is the answer.
      guard isWALFile(path) else {
        throw StorageError(.backend, "cannot open SQLite database at \(path) for reading: \(error)")
      }
      do {
        let queue = try DatabaseQueue(path: immutableURI(path), configuration: config)
        try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        return queue
      } catch {
        throw StorageError(.backend, "cannot open SQLite database at \(path) for reading: \(error)")
      }
    }
  }

  /// Opens the writing pool, which switches the file to WAL. That switch needs the file to
  /// itself, and SQLite answers SQLITE_BUSY at once (no busy handler) while another process opens
  /// or closes it, as when several workers start together after the last one returned the file
  /// to DELETE: so a busy open is retried for up to `busyTimeout` seconds.
  static func openPool(path: String, configuration: Configuration, busyTimeout: TimeInterval) throws -> DatabasePool {
    let deadline = Date().addingTimeInterval(busyTimeout)
    var pause = 0.005
    while true {
      do {
        return try DatabasePool(path: path, configuration: configuration)
      } catch let error as DatabaseError
        where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && Date() < deadline
      {
        Thread.sleep(forTimeInterval: pause * Double.random(in: 0.5...1.5))
        pause = min(pause * 2, 0.2)
      } catch {
        throw StorageError(.backend, "cannot open SQLite database at \(path): \(error)")
      }
    }
  }

  /// Whether the file's header marks it as WAL (format versions 2 at bytes 18 and 19).
  static func isWALFile(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
    return header[18] == 2 && header[19] == 2
  }

  /// A `file:` URI that opens `path` as immutable (no locks, no `-shm`): for files nobody can
  /// change, such as those on a read-only mount.
  static func immutableURI(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
    return "file://" + escaped + "?immutable=1"
  }

  /// Closes the pool and switches the file back to DELETE, without waiting:
  /// when another connection holds the file, it stays in WAL. Runs once.
  func restoreJournalMode() {
    // Held to the end, so that `exit` (in `restoreAll`) waits for a restore that a deinit on
    // another thread has begun: exit would otherwise end the process mid-switch, leaving WAL.
    JournalModeKeeper.shared.restoring.withLock { _ in restoreJournalModeNow() }
  }

  private func restoreJournalModeNow() {
    guard JournalModeKeeper.shared.unregister(self) else { return }
    try? pool.close()
    // Never create a file that was removed meanwhile.
    guard FileManager.default.fileExists(atPath: path), Self.isWALFile(path) else { return }
    var config = Configuration()
    config.busyMode = .immediateError
    guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return }
    _ = try? queue.writeWithoutTransaction { db in
      try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
    }
    try? queue.close()
  }
}

/// The writing SQLite storages this process has open, so that `exit` (which runs no deinit)
/// still puts their journal modes back.
final class JournalModeKeeper: Sendable {
  static let shared = JournalModeKeeper()

  private struct Entry { weak var storage: SQLiteStorage? }
  private let open = Mutex<[ObjectIdentifier: Entry]>([:])
  private let installed = Mutex(false)
  /// Held while a storage switches its file back (see `restoreJournalMode`).
  let restoring = Mutex(())

  func register(_ storage: SQLiteStorage) {
    open.withLock { $0[ObjectIdentifier(storage)] = Entry(storage: storage) }
    let first = installed.withLock { done in
      defer { done = true }
      return !done
    }
    if first { atexit { JournalModeKeeper.shared.restoreAll() } }
  }

  /// Removes a storage; false when it was not registered (already restored).
  func unregister(_ storage: SQLiteStorage) -> Bool {
    open.withLock { $0.removeValue(forKey: ObjectIdentifier(storage)) != nil }
  }

  func restoreAll() {
    let storages = open.withLock { entries in entries.values.compactMap(\.storage) }
    for storage in storages { storage.restoreJournalMode() }
    // Waits for a restore still running on another thread (a storage's deinit).
    restoring.withLock { _ in }
  }
}
