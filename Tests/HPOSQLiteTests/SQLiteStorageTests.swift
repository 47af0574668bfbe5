import Foundation
import GRDB
import HPO
import HPOSQLite
import HPOTesting
import Testing

@Suite struct SQLiteStorageTests {
  @Test func urlRules() throws {
    #expect(try SQLiteStorage.path(fromURL: "sqlite:///runs/study.db") == "runs/study.db")
    #expect(try SQLiteStorage.path(fromURL: "sqlite:////abs/path.db") == "/abs/path.db")
    #expect(try SQLiteStorage.path(fromURL: "sqlite:///x.db?timeout=5") == "x.db")
    #expect(throws: StorageError.self) { try SQLiteStorage.path(fromURL: "postgresql://h/db") }
    #expect(throws: StorageError.self) { try SQLiteStorage.path(fromURL: "sqlite://") }
    let dir = try TempDir()
    let s = try SQLiteStorage(url: "sqlite:///" + dir.file("a.db"))
    #expect(s.displayURL == "sqlite:///" + dir.file("a.db"))
    #expect(s.displayURL.hasPrefix("sqlite:////"))
  }

  @Test func reopeningKeepsData() async throws {
    let dir = try TempDir()
    let first = try SQLiteStorage(path: dir.file("a.db"))
    let sid = try await first.createStudy(name: "s", directions: [.maximize])
    _ = try await first.createTrial(study: sid, template: nil)
    let second = try SQLiteStorage(path: dir.file("a.db"))
    #expect(try await second.studyDirections(id: sid) == [.maximize])
    #expect(try await second.trials(study: sid, filter: .all).map(\.number) == [0])
  }

  @Test func wrongAlembicVersionIsIncompatible() throws {
    let dir = try TempDir()
    _ = try SQLiteStorage(path: dir.file("old.db"))
    try DatabaseQueue(path: dir.file("old.db")).write { db in
      try db.execute(sql: "UPDATE alembic_version SET version_num = 'v3.0.0.d'")
    }
    let error = #expect(throws: StorageError.self) { try SQLiteStorage(path: dir.file("old.db")) }
    #expect(error?.kind == .incompatibleSchema)
    #expect(error?.message.contains("v3.0.0.d") == true)
    #expect(error?.message.contains("optuna storage upgrade") == true)
  }

  @Test func foreignDatabaseIsIncompatible() throws {
    let dir = try TempDir()
    try DatabaseQueue(path: dir.file("other.db")).write { db in
      try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    }
    let error = #expect(throws: StorageError.self) { try SQLiteStorage(path: dir.file("other.db")) }
    #expect(error?.kind == .incompatibleSchema)
  }

  @Test func storedEncodingsAreOptunas() async throws {
    let dir = try TempDir()
    let s = try SQLiteStorage(path: dir.file("enc.db"))
    let sid = try await s.createStudy(name: "enc", directions: [.minimize, .maximize])
    let t = try await s.createTrial(study: sid, template: nil)
    let cat = try CategoricalDistribution(choices: [.string("a"), .null, .bool(true), .float(1.5)])
    try await s.setTrialParam(trial: t.id, name: "c", internalValue: 3, distribution: .categorical(cat))
    try await s.setTrialIntermediateValue(trial: t.id, step: 0, value: .nan)
    try await s.setTrialUserAttr(trial: t.id, key: "k", value: .object(["a": .array([.int(1), .double(2)])]))
    try await s.setTrialState(trial: t.id, state: .complete, values: [.infinity, 2])
    let rows = try DatabaseQueue(path: dir.file("enc.db")).read { db in
      (
        try Row.fetchOne(db, sql: "SELECT param_value, distribution_json FROM trial_params"),
        try Row.fetchOne(db, sql: "SELECT intermediate_value, intermediate_value_type FROM trial_intermediate_values"),
        try Row.fetchAll(db, sql: "SELECT objective, value, value_type FROM trial_values ORDER BY objective"),
        try String.fetchOne(db, sql: "SELECT value_json FROM trial_user_attributes"),
        try Row.fetchOne(db, sql: "SELECT state, datetime_start, datetime_complete FROM trials"),
        try [String].init(String.fetchAll(db, sql: "SELECT direction FROM study_directions ORDER BY objective"))
      )
    }
    let param = try #require(rows.0)
    #expect(param[0] == 3.0)
    #expect(param[1] == "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"a\", null, true, 1.5]}}")
    let iv = try #require(rows.1)
    #expect(iv[0] == DatabaseValue.null)
    #expect(iv[1] == "NAN")
    #expect(rows.2.map { $0[2] as String } == ["INF_POS", "FINITE"])
    #expect(rows.2.first?[1] == DatabaseValue.null)
    #expect(rows.3 == "{\"a\": [1, 2.0]}")
    let trial = try #require(rows.4)
    #expect(trial[0] == "COMPLETE")
    let start: String = trial[1]
    #expect(start.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$"#, options: .regularExpression) != nil)
    #expect(rows.5 == ["MINIMIZE", "MAXIMIZE"])
  }

  /// Several storages (separate pools = separate connections) on one file write at once.
  @Test func separateConnectionsWriteConcurrently() async throws {
    let dir = try TempDir()
    let path = dir.file("shared.db")
    let setup = try SQLiteStorage(path: path)
    let sid = try await setup.createStudy(name: "shared", directions: [.minimize])
    for _ in 0..<12 { _ = try await setup.createTrial(study: sid, template: FrozenTrial(id: 0, number: 0, state: .waiting)) }
    let workers = 6, perWorker = 15
    let results = try await withThrowingTaskGroup(of: ([Int], [Int64]).self) { group in
      for w in 0..<workers {
        group.addTask {
          let mine = try SQLiteStorage(path: path)
          var numbers: [Int] = []
          var popped: [Int64] = []
          for k in 0..<perWorker {
            if k % 3 == 0, let p = try await mine.popWaitingTrial(study: sid) { popped.append(p.id) }
            let t = try await mine.createTrial(study: sid, template: nil)
            try await mine.setTrialParam(trial: t.id, name: "w", internalValue: Double(w),
                                         distribution: .int(try IntDistribution(low: 0, high: 100)))
            try await mine.setTrialState(trial: t.id, state: .complete, values: [Double(k)])
            numbers.append(t.number)
          }
          return (numbers, popped)
        }
      }
      return try await group.reduce(into: ([Int](), [Int64]())) { $0.0 += $1.0; $0.1 += $1.1 }
    }
    #expect(results.0.count == workers * perWorker)
    #expect(Set(results.0).count == results.0.count, "trial numbers are distinct")
    #expect(Set(results.1).count == results.1.count, "no WAITING trial was popped twice")
    let all = try await setup.trials(study: sid, filter: .all)
    #expect(all.map(\.number) == Array(0..<(12 + workers * perWorker)))
    #expect(all.filter { $0.state == .complete }.count == workers * perWorker)
  }

  /// Processes racing to fail stale trials fail each one once.
  @Test func separateConnectionsFailStaleOnce() async throws {
    let dir = try TempDir()
    let path = dir.file("stale.db")
    let setup = try SQLiteStorage(path: path)
    let sid = try await setup.createStudy(name: "stale", directions: [.minimize])
    var ids: Set<Int64> = []
    for _ in 0..<6 {
      let t = try await setup.createTrial(study: sid, template: nil)
      try await setup.recordHeartbeat(trial: t.id)
      ids.insert(t.id)
    }
    try await Task.sleep(nanoseconds: 30_000_000)
    let failed = try await withThrowingTaskGroup(of: [Int64].self) { group in
      for _ in 0..<4 { group.addTask { try await SQLiteStorage(path: path).failStaleTrials(study: sid, grace: 0) } }
      return try await group.reduce(into: [Int64]()) { $0 += $1 }
    }
    #expect(failed.count == ids.count)
    #expect(Set(failed) == ids)
  }
}
