import Foundation
import HPO
import HPOTesting
import HPOSQLite
import OrderedCollections
import Testing

/// hpotop and Python Optuna 5.0 on the same SQLite file, in both directions.
@Suite(.enabled(if: PythonOptuna.shouldRun, "needs Python with optuna 5.0 (see PythonOptuna)"))
struct OptunaInteropTests {
  @Test func schemaMatchesOptunaByteForByte() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    _ = try SQLiteStorage(path: dir.file("swift.db"))
    try PythonPeer.script("schema_dump.py", [dir.file("swift.db"), dir.file("swift.json")])
    try PythonPeer.script("schema_dump.py", ["--create", dir.file("py.db"), dir.file("py.json")])
    let swift = try PythonPeer.readJSON(dir.file("swift.json"))
    let python = try PythonPeer.readJSON(dir.file("py.json"))
    #expect(swift["schema"] == python["schema"])
    #expect(swift["alembic_version"] == .array([.string("v3.2.0.a")]))
    #expect(swift["alembic_version"] == python["alembic_version"])
    #expect(swift["version_info"] == python["version_info"])
    // A file Optuna created (with no studies) opens as-is.
    let opened = try SQLiteStorage(path: dir.file("py.db"))
    #expect(try await opened.studies().isEmpty)
  }

  @Test func hpotopReadsWhatOptunaWrote() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    try PythonPeer.script("optuna_write.py", [dir.file("py.db"), dir.file("dump.json")])
    let dump = try #require(try PythonPeer.readJSON(dir.file("dump.json")).arrayValue)
    let storage = try SQLiteStorage(url: "sqlite:///" + dir.file("py.db"))
    let summaries = try await storage.studies()
    #expect(summaries.map(\.name) == ["py_single", "py_multi"])
    var states: Set<TrialState> = []
    var kinds: Set<String> = []
    var sawNaN = false, sawInf = false
    for pyStudy in dump {
      // Every field, and hpotop's best trial and Pareto front against Optuna's.
      let (differences, trials) = try await TrialDump.studyDifferences(storage, pyStudy)
      #expect(differences == [])
      #expect(!trials.isEmpty)
      for t in trials {
        states.insert(t.state)
        for d in t.distributions.values {
          switch d {
          case .float(let f): kinds.insert(f.log ? "float-log" : f.step != nil ? "float-step" : "float")
          case .int(let i): kinds.insert(i.log ? "int-log" : "int")
          case .categorical: kinds.insert("categorical")
          }
        }
        sawNaN = sawNaN || t.intermediateValues.values.contains(where: \.isNaN)
        sawInf = sawInf || t.intermediateValues.values.contains(.infinity)
      }
    }
    // The fixture covered what it should.
    #expect(states == Set(TrialState.allCases))
    #expect(kinds == ["float", "float-log", "float-step", "int", "int-log", "categorical"])
    #expect(sawNaN && sawInf)
    let single = try #require(try await storage.studyID(named: "py_single"))
    let cats = try await storage.trials(study: single, filter: TrialFilter(states: [.complete, .pruned, .fail]))
      .compactMap { $0.params["c"] }
    #expect(Set(cats) == [.null, .bool(true), .int(2), .float(3.5), .string("adam")])
    // The WAITING trial pops with its enqueued params, as an Optuna worker would get them.
    let popped = try #require(try await storage.popWaitingTrial(study: single))
    #expect(popped.fixedParams == ["x": .float(0.5), "c": .string("adam")])
    #expect(popped.userAttrs == ["why": .string("enqueued")])
  }

  /// Writes the Direction 2 studies through hpotop's Study API.
  static func writeSwiftStudies(_ storage: SQLiteStorage) async throws {
    let single = try await Study.create(name: "swift_single", storage: storage, sampler: RandomSampler(seed: 11))
    try await storage.setStudyUserAttr(study: single.id, key: "owner", value: .object(["who": .array([.string("hpotop")])]))
    let choices: [ParamValue] = [.null, .bool(true), .int(2), .float(3.5), .string("adam")]
    for c in choices { try await single.enqueue(params: ["c": c]) }
    try await single.optimize(limits: OptimizeLimits(nTrials: 15)) { trial in
      let x = try await trial.suggestFloat("x", -5, 5)
      let lx = try await trial.suggestFloat("lx", 1e-4, 1, log: true)
      let sx = try await trial.suggestFloat("sx", 0, 1, step: 0.25)
      let n = try await trial.suggestInt("n", 1, 10)
      let ln = try await trial.suggestInt("ln", 1, 1000, log: true)
      let c = try await trial.suggestCategorical("c", choices)
      try await trial.setUserAttr("nested", .object(["n": .int(trial.number), "c": c.json, "l": .array([.double(1.5), .null])]))
      try await trial.report(trial.number == 2 ? .nan : x * x, step: 0)
      try await trial.report(trial.number == 3 ? .infinity : x * x + 1, step: 1)
      if trial.number % 5 == 1 { throw TrialPruned() }
      if trial.number % 5 == 3 { throw InteropError("objective failed on purpose") }
      return [x * x + lx + sx + Double(n) + log(Double(ln))]
    }
    var running = try await single.ask()
    _ = try await running.suggestFloat("x", -5, 5)
    try await running.report(0.5, step: 0)
    try await single.enqueue(params: ["x": .float(0.5), "c": .string("adam")], userAttrs: ["why": .string("enqueued")])

    let multi = try await Study.create(
      name: "swift_multi", directions: [.minimize, .maximize], storage: storage, sampler: RandomSampler(seed: 5))
    try await multi.optimize(limits: OptimizeLimits(nTrials: 8)) { trial in
      let a = try await trial.suggestFloat("a", 0, 1)
      let b = try await trial.suggestInt("b", 0, 4, step: 2)
      if trial.number == 5 { return [.infinity, -.infinity] }
      return [a, Double(b) + a]
    }
  }

  @Test func optunaReadsWhatHpotopWrote() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    let storage = try SQLiteStorage(path: dir.file("swift.db"))
    try await Self.writeSwiftStudies(storage)
    try PythonPeer.script("optuna_read.py", [dir.file("swift.db"), dir.file("dump.json")])
    let dump = try #require(try PythonPeer.readJSON(dir.file("dump.json")).arrayValue)
    #expect(dump.compactMap { $0["name"]?.stringValue } == ["swift_single", "swift_multi"])
    for pyStudy in dump {
      let (differences, trials) = try await TrialDump.studyDifferences(storage, pyStudy)
      #expect(differences == [])
      #expect(!trials.isEmpty)
      #expect((pyStudy["best_trials"]?.arrayValue?.count ?? 0) > 0)
    }
    let states = Set(try await storage.trials(study: try #require(try await storage.studyID(named: "swift_single")),
                                              filter: .all).map(\.state))
    #expect(states == Set(TrialState.allCases))
  }

  @Test func optunaWorkerRunsTheTrialHpotopEnqueued() async throws {
    try PythonPeer.require()
    let dir = try TempDir()
    let storage = try SQLiteStorage(path: dir.file("w.db"))
    let study = try await Study.create(name: "worker", storage: storage)
    try await study.enqueue(params: ["opt": .string("sgd"), "lr": .float(0.01)])
    try PythonPeer.script("optuna_worker.py", [dir.file("w.db"), "worker", dir.file("out.json")])
    let seen = try PythonPeer.readJSON(dir.file("out.json"))
    #expect(seen["number"]?.intValue == 0)
    #expect(seen["params"] == .object(["opt": .string("sgd"), "lr": .double(0.01)]))
    let trials = try await study.trials()
    #expect(trials.count == 1)
    let t = try #require(trials.first)
    #expect(t.state == .complete)
    #expect(t.params == ["opt": .string("sgd"), "lr": .float(0.01)])
    #expect(t.value == 0.02)
    #expect(t.fixedParams == ["opt": .string("sgd"), "lr": .float(0.01)])
    #expect(t.distributions["opt"] == .categorical(try CategoricalDistribution(choices: [.string("adam"), .string("sgd")])))
  }
}
