import Foundation
import HPO
import HPOTesting
import Testing

/// A trial stopped by the pruner reads the same reason whether its objective runs in process or
/// as a command, and the reason lands with the PRUNED state.
@Suite struct PruneReasonTests {
  let dir: TempDir

  init() throws { dir = try TempDir() }

  @Test func commandAndInProcessTrialsShareTheWording() async throws {
    let pruner = try ThresholdPruner(upper: 0.5)
    // A command that reports loss 1 at steps 0, 1, 2, … until it is stopped.
    let script = dir.file("train.sh")
    try Data("#!/bin/sh\ni=0\nwhile true; do echo \"[hpotop] step=$i loss=1\"; i=$((i+1)); sleep 0.05; done\n".utf8)
      .write(to: URL(fileURLWithPath: script))
    chmod(script, 0o755)
    let command = CommandObjective(
      argv: ["/bin/sh", script], killGrace: 1, trialsDirectory: dir.file("trials"), metricNames: ["loss"], pollInterval: 0.1,
      supervisorExecutable: CommandObjectiveTests.supervisor)
    let commandStudy = try await Study.create(name: "cmd", storage: InMemoryStorage(), pruner: pruner)
    var t = try await commandStudy.ask()
    _ = try await t.suggestFloat("x", 0, 1)
    let byCommand = try await commandStudy.run(&t) { trial in try await command.run(trial, params: trial.params) }

    let inProcessStudy = try await Study.create(name: "fn", storage: InMemoryStorage(), pruner: pruner)
    var u = try await inProcessStudy.ask()
    let byClosure = try await inProcessStudy.run(&u) { trial in
      try await trial.report(1, step: 0)
      if try await trial.shouldPrune() { throw TrialPruned() }
      return [1]
    }

    #expect(byCommand.state == .pruned && byClosure.state == .pruned)
    #expect(byClosure.hpotop.pruneReason == "pruned by the threshold pruner at step 0")
    let step = try #require(byCommand.lastStep)
    #expect(byCommand.hpotop.pruneReason == "pruned by the threshold pruner at step \(step)")
  }
}
