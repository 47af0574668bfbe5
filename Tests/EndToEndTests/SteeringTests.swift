import Foundation
import HPO
import HPOSQLite
import Testing

/// The steering commands act on a study that separate `hpotop worker` processes are running.
@Suite(.serialized) struct SteeringTests {
  @Test func pauseFixEnqueueAndPruneReachRunningWorkers() async throws {
    let dir = try Binary.temporaryDirectory("steer")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try """
      #!/bin/sh
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      for a in "$@"; do if [ "$a" = "--mode=slow" ]; then sleep 60; fi; done
      i=0
      while [ $i -lt 3 ]; do echo "[hpotop] step=$i loss=$i"; i=$((i+1)); sleep 0.1; done
      echo "[hpotop] loss=1"
      """.write(toFile: dir + "/objective.sh", atomically: true, encoding: .utf8)
    chmod(dir + "/objective.sh", 0o755)
    try """
      name: steer
      metric: {name: loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
        mode: {type: categorical, choices: [fast, slow]}
      sampler: {name: random, seed: 2}
      n_trials: 100000
      objective: {command: [./objective.sh]}
      """.write(toFile: dir + "/steer.yaml", atomically: true, encoding: .utf8)
    let common = ["--storage", "sqlite:///steer.db", "--study-name", "steer"]
    try await Binary.run(["create-study", "--direction", "minimize"] + common, in: dir).expectSuccess()
    // Everything trials do is fixed to fast until the test asks for a slow one.
    try await Binary.run(["fix", "mode=fast", "--unchecked"] + common, in: dir).expectSuccess()
    let workers = try (0..<2).map { _ in try Binary.start(["worker", "steer.yaml"], in: dir) }
    defer { for (p, _, _) in workers where p.isRunning { p.interrupt() } }
    let storage = try SQLiteStorage(path: dir + "/steer.db")
    let study = try await Study.load(name: "steer", storage: storage)
    #expect(try await waitUntil(30) { try await study.trials(states: [.complete]).count >= 4 })

    // pause: running trials finish, no new trial starts.
    try await Binary.run(["pause"] + common, in: dir).expectSuccess()
    #expect(try await waitUntil(10) { try await study.trials(states: [.running]).isEmpty })
    let pausedCount = try await study.trials().count
    try await Task.sleep(for: .seconds(3))
    #expect(try await study.trials().count == pausedCount, "a trial started while the study was paused")

    // fix: every new trial carries the value.
    try await Binary.run(["fix", "x=0.25"] + common, in: dir).expectSuccess()
    try await Binary.run(["resume"] + common, in: dir).expectSuccess()
    #expect(try await waitUntil(30) { try await study.trials(states: [.complete]).count >= pausedCount + 6 })
    let afterFix = try await study.trials().filter { $0.number >= pausedCount }
    #expect(afterFix.allSatisfy { $0.params["x"] == nil || $0.params["x"] == .float(0.25) })
    try await Binary.run(["unfix", "x"] + common, in: dir).expectSuccess()

    // enqueue: a slow config with exactly these params runs next; prune stops its process.
    // mode stays fixed to fast meanwhile (enqueued params come first), so no sampled trial is slow.
    try await Binary.run(["enqueue", "--params", #"{"x": 0.75, "mode": "slow"}"#] + common, in: dir).expectSuccess()
    var slow: FrozenTrial?
    #expect(try await waitUntil(30) {
      slow = try await study.trials(states: [.running]).first { $0.params["mode"] == .string("slow") }
      return slow != nil
    })
    let target = try #require(slow)
    #expect(target.params["x"] == .float(0.75))
    let pidFile = Binary.trialFolder(dir, target.number) + "/pid"
    #expect(try await waitUntil(10) { FileManager.default.fileExists(atPath: pidFile) })
    let pid = Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    try await Binary.run(["prune", String(target.number)] + common, in: dir).expectSuccess()
    let pruned = try await storage.trial(id: target.id)
    #expect(pruned.state == .pruned)
    #expect(pruned.systemAttrs["hpotop:prune_reason"] == .string("pruned by user"))
    #expect(try await waitUntil(5) { kill(pid, 0) != 0 }, "the pruned trial's process is still running")
    try await Binary.run(["unfix", "mode"] + common, in: dir).expectSuccess()

    // fail: a stuck trial is cleared by hand; an unknown param is refused with exit code 2.
    let refused = try await Binary.run(["fix", "lr=0.1"] + common, in: dir)
    #expect(refused.status == 2 && refused.stderr.contains("the study has no param lr"))
    for (p, _, _) in workers { p.interrupt() }
    for (p, _, _) in workers { _ = await Binary.waitForExit(p) }
  }
}

extension Binary.Output {
  /// Records the command's stderr when it did not exit 0.
  func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == 0, "\(stderr.suffix(400))", sourceLocation: sourceLocation)
  }
}
