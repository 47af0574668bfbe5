import Foundation
import HPO
import HPOSQLite
import Testing

/// Issue 5's done-when: two `hpotop worker` processes running multivariate TPE with the constant
/// liar on one SQLite study propose no configuration twice in the first 50 trials.
@Suite(.serialized) struct ConstantLiarTests {
  @Test func twoTPEWorkersOnOneSQLiteStudyProposeNoDuplicateInTheFirst50Trials() async throws {
    let dir = try Binary.temporaryDirectory("liar")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // A stepped (finite) space, so a duplicate is possible, and a 2 × 40 ms objective, so the
    // two workers' trials overlap and each one samples while the other's trial is RUNNING.
    try """
      name: liar
      metric: {name: val_loss, direction: minimize}
      sampler: {name: tpe, seed: 5, multivariate: true, constant_liar: true}
      n_trials: 50
      params:
        layers:     {type: int, low: 1, high: 8}
        width:      {type: int, low: 16, high: 1024, step: 8}
        dropout:    {type: float, low: 0.0, high: 0.5, step: 0.005}
        batch_size: {choices: [16, 32, 64, 128, 256]}
      objective: {builtin: simulated_training, epochs: 2, sleep: 0.04, noise: 0}
      """.write(toFile: dir + "/liar.yaml", atomically: true, encoding: .utf8)
    let outputs = try await withThrowingTaskGroup(of: Binary.Output.self) { group in
      for _ in 0..<2 { group.addTask { try await Binary.run(["worker", "liar.yaml"], in: dir) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for o in outputs { #expect(o.status == 0, "a worker failed: \(o.stderr.suffix(500))") }

    let storage = try SQLiteStorage(path: dir + "/liar.db")
    let study = try await Study.load(name: "liar", storage: storage)
    let trials = Array(try await study.trials().sorted { $0.number < $1.number }.prefix(50))
    try #require(trials.count == 50)
    #expect(trials.allSatisfy { $0.state == .complete && $0.params.count == 4 })
    let configs = trials.map { pythonDictRepr($0.params) }
    var seen: [String: Int] = [:]
    for (t, c) in zip(trials, configs) {
      if let first = seen[c] { Issue.record("trials \(first) and \(t.number) have the same params \(c)") }
      seen[c] = seen[c] ?? t.number
    }
    #expect(Set(configs).count == 50)

    // The liar had work to do: past the 10 random startup trials, most trials started while a
    // trial of the other worker was RUNNING (so it was in the sampler's "above" set).
    let overlapping = trials.dropFirst(10).filter { t in
      guard let start = t.datetimeStart else { return false }
      return trials.contains { o in
        guard o.number != t.number, let s = o.datetimeStart, let e = o.datetimeComplete else { return false }
        return s < start && e > start
      }
    }
    print("constant liar: \(overlapping.count) of 40 model-based trials started beside a running one")
    #expect(overlapping.count >= 20)
    // Both workers ran trials (the 50 are shared, not 50 each).
    #expect(outputs.allSatisfy { $0.stderr.contains("finished with value") })
  }
}
