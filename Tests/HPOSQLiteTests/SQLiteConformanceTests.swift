import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// Runs every storage conformance check against `SQLiteStorage` on a fresh temporary file.
@Suite struct SQLiteConformanceTests {
  @Test("SQLiteStorage conformance", arguments: StorageConformance.names)
  func conformance(_ check: String) async throws {
    let dir = try TempDir()
    try await StorageConformance.run(check) { try SQLiteStorage(path: dir.file("study.db")) }
  }
}
