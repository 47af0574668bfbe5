import Foundation
import HPO
import HPOJournal
import HPOTesting
import Testing

/// Runs every storage conformance check against `JournalFileStorage` on a fresh journal file.
@Suite struct JournalConformanceTests {
  @Test("JournalFileStorage conformance", arguments: StorageConformance.names)
  func conformance(_ check: String) async throws {
    let dir = try TempDir()
    try await StorageConformance.run(check) { try JournalFileStorage(path: dir.file("journal.log")) }
  }
}
