import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// CMA-ES keeps its generations in storage: a study stopped mid-generation and reopened from
/// its SQLite file by a fresh process-like setup (new storage, new sampler) continues the same
/// generation and proposes exactly what an uninterrupted run proposes.
@Suite struct CMAESResumeTests {
  static func sampler() -> CMAESSampler {
    var o = CMAESSampler.Options()
    o.popsize = 6
    return CMAESSampler(seed: 21, options: o)
  }

  /// Runs trials `range` of a 3-d sphere; returns each trial's params.
  static func run(_ path: String, _ count: Int) async throws -> [[Double]] {
    let storage = try SQLiteStorage(path: path)
    let study = try await Study.create(name: "cma", storage: storage, sampler: sampler(), loadIfExists: true)
    var out: [[Double]] = []
    for _ in 0..<count {
      var t = try await study.ask()
      var xs: [Double] = []
      for i in 0..<3 { xs.append(try await t.suggestFloat("x\(i)", -5, 5)) }
      try await study.tell(trialID: t.id, values: [xs.reduce(0) { $0 + ($1 - 1) * ($1 - 1) }])
      out.append(xs)
    }
    return out
  }

  @Test func resumesMidGeneration() async throws {
    let dir = try TempDir()
    let whole = try await Self.run(dir.file("whole.db"), 30)
    // 1 startup trial + generation 0 (6) + 3 of generation 1, then a restart from the file.
    let first = try await Self.run(dir.file("split.db"), 10)
    let rest = try await Self.run(dir.file("split.db"), 20)
    #expect(first + rest == whole)

    let storage = try SQLiteStorage(path: dir.file("split.db"))
    let id = try #require(try await storage.studyID(named: "cma"))
    let trials = try await storage.trials(study: id, filter: .all)
    let tags = trials.map { $0.systemAttrs[CMAKey.individual.rawValue]?.stringValue }
    #expect(tags[7...12].map { $0 } == (0..<6).map { "1:\($0)" })  // generation 1 continued across the restart
    #expect(trials[13].systemAttrs[CMAKey.generation.rawValue]?.intValue == 2)
    #expect(trials[13].systemAttrs[CMAKey.state.rawValue] != nil)
  }
}
