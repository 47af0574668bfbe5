import Foundation
import HPO
import HPOSQLite
import Testing

/// Several real `hpotop` processes on one SQLite file.
@Suite(.serialized) struct MultiProcessTests {
  @Test func eightWorkersShareOneSQLiteFileWithoutLocksOrDuplicates() async throws {
    let dir = try Binary.temporaryDirectory("mp")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try """
      name: mp
      metric: {name: value, direction: minimize}
      sampler: {name: random, seed: 11}
      n_trials: 1600
      objective: {builtin: branin}
      """.write(toFile: dir + "/mp.yaml", atomically: true, encoding: .utf8)
    let outputs = try await withThrowingTaskGroup(of: Binary.Output.self) { group in
      for _ in 0..<8 { group.addTask { try await Binary.run(["worker", "mp.yaml"], in: dir) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for o in outputs {
      #expect(o.status == 0, "a worker failed: \(o.stderr.suffix(500))")
      #expect(!o.stderr.contains("locked"), "\(o.stderr.suffix(500))")
      #expect(!o.stderr.contains("error"), "\(o.stderr.suffix(500))")
    }
    let storage = try SQLiteStorage(path: dir + "/mp.db")
    let study = try await Study.load(name: "mp", storage: storage)
    let trials = try await study.trials()
    #expect(trials.count == 1600)
    #expect(Set(trials.map(\.number)) == Set(0..<1600))
    #expect(trials.allSatisfy { $0.state == .complete })
    // Every worker took part (the budget is shared, not 1600 each).
    #expect(outputs.allSatisfy { $0.stderr.contains("finished with value") })
  }

  @Test func aSeededStudyIsReproducedInAFreshProcess() async throws {
    let dir = try Binary.temporaryDirectory("repro")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for name in ["a", "b"] {
      try """
        name: \(name)
        metric: {name: value, direction: minimize}
        sampler: {name: random, seed: 42}
        n_trials: 12
        parallelism: \(name == "a" ? 1 : 3)
        objective: {builtin: mixed}
        """.write(toFile: "\(dir)/\(name).yaml", atomically: true, encoding: .utf8)
      let r = try await Binary.run(["run", "\(name).yaml", "--no-tui"], in: dir)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let a = try await Binary.run(["trials", "--storage", "sqlite:///a.db", "--study-name", "a", "-f", "json"], in: dir)
    let b = try await Binary.run(["trials", "--storage", "sqlite:///b.db", "--study-name", "b", "-f", "json"], in: dir)
    func params(_ text: String) throws -> [JSONValue] {
      try #require(try JSONValue(parsing: text).arrayValue).map { $0["params"] ?? .null }
    }
    let pa = try params(a.stdout), pb = try params(b.stdout)
    #expect(pa.count == 12)
    #expect(pa == pb)
  }
}
