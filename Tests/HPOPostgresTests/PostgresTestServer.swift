import Foundation
import Testing

#if PostgreSQL
import HPO
import HPOPostgres
#endif

/// The PostgreSQL server the tests use: `$HPOTOP_TEST_POSTGRES`, an admin URL such as
/// `postgresql://postgres@127.0.0.1:55432/postgres` (`.ci/run` starts a throwaway one).
///
/// Without it the PostgreSQL tests are skipped with a loud line, except when `$CI` is set: then
/// they run and fail, so CI never passes without the server.
enum PostgresTestServer {
  static var adminURLString: String? {
    let v = ProcessInfo.processInfo.environment["HPOTOP_TEST_POSTGRES"] ?? ""
    return v.isEmpty ? nil : v
  }

  static var isCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }

  /// Whether PostgreSQL tests should run: a server is configured, or CI demands one.
  static let shouldRun: Bool = {
    if adminURLString != nil || isCI { return true }
    print("⚠️⚠️⚠️ SKIPPING PostgreSQL tests: HPOTOP_TEST_POSTGRES is not set "
      + "(e.g. postgresql://postgres@127.0.0.1:55432/postgres; .ci/run starts a server).")
    return false
  }()

  /// The admin URL; throws (failing the test) when it is missing.
  static func require() throws -> String {
    guard let url = adminURLString else {
      throw PGTestError("HPOTOP_TEST_POSTGRES is required (CI is set) but missing")
    }
    return url
  }

  #if PostgreSQL
  /// A fresh, empty database on the test server; its name is recorded in `created`.
  static func freshDatabase(_ label: String, created: DatabaseList? = nil) async throws -> PostgresURL {
    let admin = try PostgresURL(parsing: try require())
    let name = "hpotop_\(label.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))_"
      + UUID().uuidString.prefix(8).lowercased()
    await created?.add(name)
    return try await PostgresAdmin.recreateDatabase(admin: admin, name: name)
  }

  /// Drops the databases a test made.
  static func drop(_ list: DatabaseList) async {
    guard let url = adminURLString, let admin = try? PostgresURL(parsing: url) else { return }
    for name in await list.names { try? await PostgresAdmin.dropDatabase(admin: admin, name: name) }
  }
  #endif
}

/// Names of databases a test created, to drop at its end.
actor DatabaseList {
  private(set) var names: [String] = []
  func add(_ name: String) { names.append(name) }
}

struct PGTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Runs when PostgreSQL tests cannot: under CI a missing server is a failure, not a skip.
@Suite struct PostgresServerPresenceTests {
  @Test func ciHasAPostgresServer() throws {
    if PostgresTestServer.isCI {
      #expect(PostgresTestServer.adminURLString != nil,
              "CI is set but HPOTOP_TEST_POSTGRES is missing: the PostgreSQL tests would not run")
    } else if PostgresTestServer.adminURLString == nil {
      print("⚠️ HPOTOP_TEST_POSTGRES is not set: PostgreSQL tests skip (not CI).")
    }
    #if !PostgreSQL
    if PostgresTestServer.adminURLString != nil {
      print("⚠️ HPOTOP_TEST_POSTGRES is set but this build has no PostgreSQL trait: "
        + "run `swift test --traits PostgreSQL --filter Postgres` for the PostgreSQL tests.")
    }
    #endif
  }
}
