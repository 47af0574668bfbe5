import Foundation
import HPO
import HPOPostgres
import Testing

/// URL parsing, password sources and redaction (no server needed).
@Suite struct PostgresURLTests {
  @Test func parsesFullURLAndHidesThePassword() throws {
    let u = try PostgresURL(parsing: "postgresql://alice:s%40cret@db.example:6543/optuna?sslmode=disable",
                            environment: [:], pgpassPath: "/nonexistent")
    #expect(u.user == "alice")
    #expect(u.password == "s@cret")
    #expect(u.host == "db.example")
    #expect(u.port == 6543)
    #expect(u.database == "optuna")
    #expect(u.displayURL == "postgresql://alice@db.example:6543/optuna")
    #expect(!u.description.contains("cret"))
    #expect(!"\(u)".contains("cret"))
  }

  @Test func defaultsAndPostgresScheme() throws {
    let u = try PostgresURL(parsing: "postgres://bob@10.0.0.1/", environment: [:], pgpassPath: "/nonexistent")
    #expect(u.host == "10.0.0.1")
    #expect(u.port == 5432)
    #expect(u.database == "bob")
    #expect(u.password == nil)
    let v = try PostgresURL(parsing: "postgresql://[::1]:5433/x", environment: ["PGUSER": "carol"],
                            pgpassPath: "/nonexistent")
    #expect(v.host == "::1" && v.port == 5433 && v.user == "carol")
    #expect(v.displayURL == "postgresql://carol@[::1]:5433/x")
  }

  @Test func passwordFromEnvironmentThenPgpass() throws {
    let env = try PostgresURL(parsing: "postgresql://u@h:5432/d", environment: ["PGPASSWORD": "fromenv"],
                              pgpassPath: "/nonexistent")
    #expect(env.password == "fromenv")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
    try """
      # comment
      other:5432:d:u:wrong
      h:*:d:u:pa\\:ss
      *:*:*:*:fallback
      """.write(to: dir, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try PostgresURL(parsing: "postgresql://u@h:5432/d", environment: [:], pgpassPath: dir.path)
    #expect(file.password == "pa:ss")
    let other = try PostgresURL(parsing: "postgresql://z@q/d", environment: [:], pgpassPath: dir.path)
    #expect(other.password == "fallback")
    // A password in the URL wins.
    let url = try PostgresURL(parsing: "postgresql://u:inurl@h/d", environment: ["PGPASSWORD": "x"],
                              pgpassPath: dir.path)
    #expect(url.password == "inurl")
  }

  @Test func rejectsOtherSchemesAndBadPortsWithoutEchoingTheURL() {
    #expect(throws: StorageError.self) { try PostgresURL(parsing: "mysql://u:pw@h/d") }
    do {
      _ = try PostgresURL(parsing: "postgresql://u:topsecret@h:notaport/d", environment: [:])
      Issue.record("a bad port was accepted")
    } catch {
      #expect(!"\(error)".contains("topsecret"))
    }
  }
}
