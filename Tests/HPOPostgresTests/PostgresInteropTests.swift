#if PostgreSQL
import Foundation
import HPO
import HPOTesting
import HPOPostgres
import Testing

/// hpotop and Python Optuna 5.0 (psycopg2) on the same PostgreSQL database, both directions.
@Suite(.enabled(if: PythonOptuna.shouldRun, "needs HPOTOP_TEST_POSTGRES and Python optuna + psycopg2"))
struct PostgresInteropTests {
  @Test func schemaMatchesWhatOptunaCreates() async throws {
    try PythonPeer.require(importing: ["psycopg2"])
    let dir = try TempDir()
    let created = DatabaseList()
    let mine = try await PostgresTestServer.freshDatabase("schema_swift", created: created)
    let theirs = try await PostgresTestServer.freshDatabase("schema_py", created: created)
    _ = try await PostgresStorage(url: mine).studies()  // creates the schema
    try PythonPeer.script("pg_schema_dump.py", [Self.pyURL(mine), dir.file("swift.json")])
    try PythonPeer.script("pg_schema_dump.py", ["--create", Self.pyURL(theirs), dir.file("py.json")])
    let swift = try PythonPeer.readJSON(dir.file("swift.json"))
    let python = try PythonPeer.readJSON(dir.file("py.json"))
    for key in ["enums", "columns", "constraints", "indexes", "sequences", "alembic_version", "version_info"] {
      #expect(swift[key] == python[key], "\(key) differs")
    }
    #expect(swift["alembic_version"] == .array([.string("v3.2.0.a")]))
    // A database Optuna created opens as-is.
    #expect(try await PostgresStorage(url: theirs).studies().isEmpty)
    await PostgresTestServer.drop(created)
  }

  @Test func hpotopReadsWhatOptunaWrote() async throws {
    try PythonPeer.require(importing: ["psycopg2"])
    let dir = try TempDir()
    let created = DatabaseList()
    let url = try await PostgresTestServer.freshDatabase("py_write", created: created)
    try PythonPeer.script("optuna_write.py", [Self.pyURL(url), dir.file("dump.json")])
    let dump = try #require(try PythonPeer.readJSON(dir.file("dump.json")).arrayValue)
    let storage = PostgresStorage(url: url)
    #expect(try await storage.studies().map(\.name) == ["py_single", "py_multi"])
    var states: Set<TrialState> = []
    for pyStudy in dump {
      let (differences, trials) = try await TrialDump.studyDifferences(storage, pyStudy)
      #expect(differences == [])
      #expect(!trials.isEmpty)
      states.formUnion(trials.map(\.state))
    }
    #expect(states == Set(TrialState.allCases))
    let single = try #require(try await storage.studyID(named: "py_single"))
    let popped = try #require(try await storage.popWaitingTrial(study: single))
    #expect(popped.fixedParams == ["x": .float(0.5), "c": .string("adam")])
    await PostgresTestServer.drop(created)
  }

  @Test func optunaReadsWhatHpotopWrote() async throws {
    try PythonPeer.require(importing: ["psycopg2"])
    let dir = try TempDir()
    let created = DatabaseList()
    let url = try await PostgresTestServer.freshDatabase("swift_write", created: created)
    let storage = PostgresStorage(url: url)
    try await StorageCopyTests.populate(storage)
    try PythonPeer.script("optuna_read.py", [Self.pyURL(url), dir.file("dump.json")])
    let dump = try #require(try PythonPeer.readJSON(dir.file("dump.json")).arrayValue)
    #expect(dump.compactMap { $0["name"]?.stringValue } == ["src", "other"])
    for pyStudy in dump {
      let (differences, _) = try await TrialDump.studyDifferences(storage, pyStudy)
      #expect(differences == [])
    }
    // An Optuna worker then runs a trial hpotop enqueued, through the same server.
    let w = try await Study.create(name: "worker", storage: storage)
    try await w.enqueue(params: ["opt": .string("sgd"), "lr": .float(0.01)])
    try PythonPeer.script("optuna_worker.py", [Self.pyURL(url), "worker", dir.file("out.json")])
    let t = try #require(try await w.trials().first)
    #expect(t.state == .complete)
    #expect(t.value == 0.02)
    await PostgresTestServer.drop(created)
  }

  /// The URL with its password, for SQLAlchemy 2.1 (whose default PostgreSQL driver is psycopg 3).
  static func pyURL(_ u: PostgresURL) -> String {
    let auth = u.password.map { "\(u.user):\($0)" } ?? u.user
    return "postgresql+psycopg2://\(auth)@\(u.host):\(u.port)/\(u.database)"
  }
}
#endif
