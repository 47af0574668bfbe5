#if PostgreSQL
import Foundation
import HPO
import HPOPostgres
import HPOTesting
import Testing

/// Every storage conformance check against `PostgresStorage`, each on a fresh database.
@Suite(.enabled(if: PostgresTestServer.shouldRun, "needs HPOTOP_TEST_POSTGRES"))
struct PostgresConformanceTests {
  @Test("PostgresStorage conformance", arguments: StorageConformance.names)
  func conformance(_ check: String) async throws {
    let created = DatabaseList()
    do {
      try await StorageConformance.run(check) {
        PostgresStorage(url: try await PostgresTestServer.freshDatabase("conf", created: created))
      }
    } catch {
      await PostgresTestServer.drop(created)
      throw error
    }
    await PostgresTestServer.drop(created)
  }
}
#endif
