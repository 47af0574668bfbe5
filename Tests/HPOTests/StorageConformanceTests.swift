import HPO
import HPOTesting
import Testing

/// Runs every storage conformance check against `InMemoryStorage`, one test case per check.
@Suite struct InMemoryStorageConformanceTests {
  @Test("InMemoryStorage conformance", arguments: StorageConformance.names)
  func conformance(_ check: String) async throws {
    try await StorageConformance.run(check) { InMemoryStorage() }
  }

  @Test func suiteHasChecksForEveryArea() {
    let names = StorageConformance.names
    #expect(names.count >= 20)
    #expect(Set(names).count == names.count)
  }
}
