import Foundation
import GRDB
import HPO
import HPOSQLite
import HPOTesting
import Synchronization
import Testing

/// WAL while hpotop writes, rollback journal (Optuna's) once it closes, and read-only opening
/// that never creates or changes a file (issue 15 items 10, 15).
@Suite struct SQLiteJournalModeTests {
  static func journalMode(_ path: String) throws -> String {
    var config = Configuration()
    config.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: config)
    defer { try? queue.close() }
    return try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
  }

  @Test func walWhileOpenThenBackToDelete() async throws {
    let dir = try TempDir()
    let path = dir.file("s.db")
    var storage: SQLiteStorage? = try SQLiteStorage(path: path)
    _ = try await storage?.createStudy(name: "s", directions: [.minimize])
    #expect(try Self.journalMode(path) == "wal")
    storage = nil
    #expect(try Self.journalMode(path) == "delete")
  }

  /// With two writers open, the first to close leaves WAL (it cannot switch under the other);
  /// the last one puts the mode back.
  @Test func theLastWriterRestores() async throws {
    let dir = try TempDir()
    let path = dir.file("s.db")
    var a: SQLiteStorage? = try SQLiteStorage(path: path)
    var b: SQLiteStorage? = try SQLiteStorage(path: path)
    _ = try await a?.createStudy(name: "s", directions: [.minimize])
    _ = try await b?.studies()
    a = nil
    #expect(try Self.journalMode(path) == "wal")
    b = nil
    #expect(try Self.journalMode(path) == "delete")
  }

  /// Writers that open and close together, as workers starting after the last one returned the
  /// file to DELETE: each open switches to WAL while others hold the file, and none may fail
  /// with "database is locked".
  @Test func writersOpeningTogetherAllOpen() async throws {
    let dir = try TempDir()
    let path = dir.file("s.db")
    do {
      let first = try SQLiteStorage(path: path)
      _ = try await first.createStudy(name: "s", directions: [.minimize])
    }
    #expect(try Self.journalMode(path) == "delete")
    let failures = Mutex<[String]>([])
    for _ in 0..<5 {
      DispatchQueue.concurrentPerform(iterations: 8) { _ in
        do {
          // Opening checks the schema; the storage closes (and may switch back) at scope end.
          _ = try SQLiteStorage(path: path)
        } catch {
          failures.withLock { $0.append("\(error)") }
        }
      }
    }
    #expect(failures.withLock { $0 } == [])
  }

  @Test func readOnlyNeverCreatesAFile() throws {
    let dir = try TempDir()
    let path = dir.file("missing.db")
    #expect(throws: StorageError.self) { try SQLiteStorage(path: path, readOnly: true) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  /// Reading only leaves the journal mode alone and refuses writes.
  @Test func readOnlyReadsAndRefusesWrites() async throws {
    let dir = try TempDir()
    let path = dir.file("s.db")
    var writer: SQLiteStorage? = try SQLiteStorage(path: path)
    _ = try await writer?.createStudy(name: "s", directions: [.minimize])
    writer = nil
    let reader = try SQLiteStorage(path: path, readOnly: true)
    #expect(reader.isReadOnly)
    #expect(try await reader.studies().map(\.name) == ["s"])
    do {
      _ = try await reader.createStudy(name: "t", directions: [.minimize])
      Issue.record("a read-only storage wrote")
    } catch let e as StorageError {
      #expect(e.kind == .readOnly && e.message.contains("is open read-only"), "\(e.message)")
    }
    #expect(try Self.journalMode(path) == "delete")
  }
}
