import Foundation
import HPO
import HPOSQLite
import Testing

/// `budget:` ends a study run by real `hpotop` workers with a command objective on one SQLite
/// file: steps within one trial per worker of the budget, trial hours within one trial.
@Suite(.serialized) struct ComputeBudgetTests {
  /// A command objective that reports `steps` steps (a tiny sleep each, so workers overlap).
  static func study(_ name: String, budget: String, steps: Int, sleep: String) -> String {
    """
    name: \(name)
    metric: {name: loss, direction: minimize}
    sampler: {name: random, seed: 5}
    pruner: nop
    n_trials: 1000
    budget: \(budget)
    params:
      x: {type: float, low: 0, high: 1}
    objective:
      command: [sh, -c, 'i=1; while [ $i -le \(steps) ]; do echo "[hpotop] step=$i loss={x}"; i=$((i+1)); sleep \(sleep); done; echo "[hpotop] loss={x}"']
    """
  }

  @Test func aStepBudgetIsSharedByTwoWorkerProcessesAndEndsTheStudy() async throws {
    let dir = try Binary.temporaryDirectory("budget-steps")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.study("steps", budget: "{steps: 95}", steps: 10, sleep: "0.02")
      .write(toFile: dir + "/steps.yaml", atomically: true, encoding: .utf8)
    let outputs = try await withThrowingTaskGroup(of: Binary.Output.self) { group in
      for _ in 0..<2 { group.addTask { try await Binary.run(["worker", "steps.yaml"], in: dir) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for o in outputs {
      #expect(o.status == 0, "\(o.stderr.suffix(800))")
      #expect(o.stderr.contains("compute budget steps 95"), "\(o.stderr.prefix(400))")
      #expect(o.stderr.contains("Compute budget spent (steps "), "\(o.stderr.suffix(400))")
    }
    let study = try await Study.load(name: "steps", storage: try SQLiteStorage(path: dir + "/steps.db"))
    let trials = try await study.trials()
    let used = ComputeBudget.usage(of: trials).steps
    // Nothing starts once 95 steps are used; each worker may have one 10-step trial under way then.
    #expect(used >= 95 && used < 95 + 2 * 10, "used \(used) steps in \(trials.count) trials")
    #expect(trials.allSatisfy { $0.state == .complete && $0.lastStep == 10 })
    #expect(trials.count < 1000)
  }

  @Test func aTrialHoursBudgetEndsTheStudyWithinOneTrial() async throws {
    let dir = try Binary.temporaryDirectory("budget-hours")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // 0.0005 h = 1.8 s of trial time; each trial takes at least 0.3 s.
    try Self.study("hours", budget: "{trial_hours: 0.0005}", steps: 3, sleep: "0.1")
      .write(toFile: dir + "/hours.yaml", atomically: true, encoding: .utf8)
    let r = try await Binary.run(["run", "hours.yaml", "--no-tui"], in: dir)
    #expect(r.status == 0, "\(r.stderr.suffix(800))")
    #expect(r.stderr.contains("Compute budget spent (trial hours "), "\(r.stderr.suffix(400))")
    let trials = try await Study.load(name: "hours", storage: try SQLiteStorage(path: dir + "/hours.db")).trials()
    let durations = trials.compactMap { t in t.datetimeComplete.flatMap { end in t.datetimeStart.map { end.timeIntervalSince($0) } } }
    #expect(durations.count == trials.count)
    let total = durations.reduce(0, +)
    // Spent, and spent by the last trial: without it the total was still under the budget.
    #expect(total >= 1.8, "total \(total) s")
    #expect(total - (durations.last ?? 0) < 1.8, "total \(total) s, last \(durations.last ?? 0) s")
    #expect(trials.count >= 2)
  }
}
