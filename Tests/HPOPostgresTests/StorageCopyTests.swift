import Foundation
import HPO
import HPOTesting
import HPOSQLite
import Testing

#if PostgreSQL
import HPOPostgres
#endif

/// `StorageCopy` (what `hpotop migrate` runs): every field and number survives the copy.
@Suite struct StorageCopyTests {
  /// A study with every kind of trial content: all states, NaN/inf intermediates, attrs, enqueued.
  static func populate(_ s: any Storage) async throws {
    let study = try await Study.create(name: "src", storage: s, sampler: RandomSampler(seed: 3))
    try await s.setStudyUserAttr(study: study.id, key: "owner", value: .object(["who": .string("me")]))
    try await s.setStudySystemAttr(study: study.id, key: "sys", value: .array([.int(1), .null]))
    try await study.enqueue(params: ["x": .float(1.5)])
    try await study.optimize(limits: OptimizeLimits(nTrials: 9)) { trial in
      let x = try await trial.suggestFloat("x", -3, 3)
      let c = try await trial.suggestCategorical("c", [.string("a"), .int(2), .null])
      try await trial.setUserAttr("u", .object(["n": .int(trial.number), "c": c.json]))
      try await trial.report(trial.number == 2 ? .nan : x, step: 0)
      try await trial.report(trial.number == 3 ? -.infinity : x + 1, step: 4)
      if trial.number % 4 == 1 { throw TrialPruned() }
      if trial.number % 4 == 3 { throw PGTestError("fails on purpose") }
      return [x * x]
    }
    var running = try await study.ask()
    _ = try await running.suggestInt("n", 1, 5)
    try await study.enqueue(params: ["x": .float(0.25)], userAttrs: ["why": .string("later")])
    _ = try await Study.create(name: "other", directions: [.minimize, .maximize], storage: s)
  }

  static func expectSameStudy(_ a: any Storage, _ b: any Storage, _ name: String) async throws {
    let ia = try #require(try await a.studyID(named: name))
    let ib = try #require(try await b.studyID(named: name))
    #expect(try await a.studyDirections(id: ia) == b.studyDirections(id: ib))
    #expect(try await a.studyUserAttrs(study: ia) == b.studyUserAttrs(study: ib))
    #expect(try await a.studySystemAttrs(study: ia) == b.studySystemAttrs(study: ib))
    let ta = try await a.trials(study: ia, filter: .all)
    let tb = try await b.trials(study: ib, filter: .all)
    #expect(ta.count == tb.count)
    for (x, y) in zip(ta, tb) {
      #expect(x.number == y.number)
      #expect(x.state == y.state)
      #expect(x.values == y.values)
      #expect(x.params == y.params)
      #expect(x.distributions == y.distributions)
      #expect(x.userAttrs == y.userAttrs)
      #expect(x.systemAttrs == y.systemAttrs)
      #expect(Array(x.intermediateValues.keys) == Array(y.intermediateValues.keys))
      #expect(zip(x.intermediateValues.values, y.intermediateValues.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
      for (p, q) in [(x.datetimeStart, y.datetimeStart), (x.datetimeComplete, y.datetimeComplete)] {
        #expect((p == nil) == (q == nil))
        if let p, let q { #expect(abs(p.timeIntervalSince(q)) < 2e-6) }
      }
    }
  }

  @Test func sqliteToSQLiteKeepsEverything() async throws {
    let dir = try TempDir()
    let src = try SQLiteStorage(path: dir.file("a.db"))
    try await Self.populate(src)
    let dst = try SQLiteStorage(path: dir.file("b.db"))
    let reports = try await StorageCopy.copy(from: src, to: dst)
    #expect(reports.map(\.study) == ["src", "other"])
    #expect(reports.first?.trials == 11)
    try await Self.expectSameStudy(src, dst, "src")
    try await Self.expectSameStudy(src, dst, "other")
    let states = Set(try await dst.trials(study: try #require(try await dst.studyID(named: "src")), filter: .all).map(\.state))
    #expect(states == Set(TrialState.allCases))
    // Copying again refuses to duplicate.
    await #expect(throws: StorageError.self) { try await StorageCopy.copy(from: src, to: dst) }
    // One study by name.
    let third = try SQLiteStorage(path: dir.file("c.db"))
    try await StorageCopy.copy(from: src, to: third, studies: ["other"])
    #expect(try await third.studies().map(\.name) == ["other"])
    await #expect(throws: StorageError.self) { try await StorageCopy.copy(from: src, to: third, studies: ["nope"]) }
  }

  #if PostgreSQL
  @Test(.enabled(if: PostgresTestServer.shouldRun, "needs HPOTOP_TEST_POSTGRES"))
  func sqliteToPostgresAndBack() async throws {
    let dir = try TempDir()
    let created = DatabaseList()
    let src = try SQLiteStorage(path: dir.file("a.db"))
    try await Self.populate(src)
    let pg = PostgresStorage(url: try await PostgresTestServer.freshDatabase("copy", created: created))
    try await StorageCopy.copy(from: src, to: pg)
    try await Self.expectSameStudy(src, pg, "src")
    let back = try SQLiteStorage(path: dir.file("back.db"))
    try await StorageCopy.copy(from: pg, to: back, studies: ["src"])
    try await Self.expectSameStudy(src, back, "src")
    await PostgresTestServer.drop(created)
  }
  #endif
}
