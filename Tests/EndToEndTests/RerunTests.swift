import Foundation
import HPO
import HPOSQLite
import Testing

/// `hpotop rerun --top 3 --seeds 3` on a finished study (issue 24, "done when" 3): 9 trials are
/// enqueued, a second `run` runs them with `HPOTOP_SEED` set, `hpotop best` ranks the
/// configurations by mean ± sd, and the dashboard's table shows it (tmux, the real binary).
@Suite(.serialized) struct RerunTests {
  /// A shell objective whose loss depends on x and, a little, on `HPOTOP_SEED` (unset: 0); it
  /// also prints the seed it saw, so the test can check the runner exported it.
  static let objective = """
    #!/bin/sh
    for arg in "$@"; do case "$arg" in --x=*) x="${arg#--x=}" ;; esac; done
    seed="${HPOTOP_SEED:-0}"
    echo "seed=$seed"
    awk -v x="$x" -v s="$seed" 'BEGIN { printf "[hpotop] loss=%.6f\\n", (x - 0.3) ^ 2 + 0.01 * ((s * 7) % 5) }'

    """

  @Test func rerunTopThreeWithThreeSeeds() async throws {
    let dir = try Binary.temporaryDirectory("rerun")
    try Self.objective.write(toFile: dir + "/obj.sh", atomically: true, encoding: .utf8)
    chmod(dir + "/obj.sh", 0o755)
    try """
      name: s
      metric: {name: loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
      sampler: {name: random, seed: 3}
      n_trials: 8
      objective:
        command: [./obj.sh]

      """.write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
    let first = try await Binary.run(["run", "--no-tui", "s.yaml"], in: dir)
    #expect(first.status == 0, "\(first.stderr)")
    let storage = ["--storage", "sqlite:///\(dir)/s.db", "--study-name", "s"]

    let rerun = try await Binary.run(["rerun"] + storage + ["--top", "3", "--seeds", "3"], in: dir)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    let db = try SQLiteStorage(path: dir + "/s.db")
    let id = try #require(try await db.studyID(named: "s"))
    let before = try await db.trials(study: id, filter: .all)
    #expect(before.count == 17)
    let waiting = before.filter { $0.state == .waiting }
    #expect(waiting.count == 9)
    // The best three configurations, each with HPOTOP_SEED 1, 2 and 3.
    let best3 = before.filter { $0.state == .complete }.sorted { ($0.value ?? 0) < ($1.value ?? 0) }.prefix(3)
    for b in best3 {
      let runs = waiting.filter { $0.fixedParams["x"] == b.params["x"] }
      #expect(runs.compactMap(\.hpotop.seed).sorted() == [1, 2, 3], "trial \(b.number)")
    }

    // A second run takes the enqueued trials (past n_trials, as hand-enqueued trials do).
    let second = try await Binary.run(["run", "--no-tui", "s.yaml"], in: dir)
    #expect(second.status == 0, "\(second.stderr)")
    let after = try await db.trials(study: id, filter: .all)
    #expect(after.filter { $0.state == .complete }.count == 17)
    // The runner exported each re-run's seed.
    for t in after where t.hpotop.seed != nil {
      let log = try String(contentsOfFile: "\(Binary.trialFolder(dir, t.number))/stdout.log", encoding: .utf8)
      #expect(log.contains("seed=\(t.hpotop.seed ?? -1)"), "trial \(t.number): \(log)")
    }

    // `best` ranks configurations by mean ± sd over their 4 runs.
    let best = try await Binary.run(["best"] + storage + ["-f", "json"], in: dir)
    #expect(best.status == 0, "\(best.stderr)")
    let json = try JSONValue(parsing: best.stdout)
    let configurations = try #require(json["configurations"]?.arrayValue)
    #expect(configurations.count == 3 && configurations.allSatisfy { $0["runs"]?.intValue == 4 }, "\(best.stdout)")
    let means = configurations.compactMap { $0["mean"]?.doubleValue }
    #expect(means == means.sorted(), "\(means)")
    let top = try #require(configurations.first)
    let topX = try #require(top["params"]?["x"]?.doubleValue)
    let topValues = after.filter { $0.params["x"]?.doubleValue == topX }.compactMap(\.value)
    #expect(topValues.count == 4)
    #expect(abs((top["mean"]?.doubleValue ?? 0) - topValues.reduce(0, +) / 4) < 1e-9)
    let table = try await Binary.run(["best"] + storage, in: dir)
    #expect(table.stdout.contains("Configurations run more than once, by mean ± sd over their seeds:"), "\(table.stdout)")

    // The dashboard's table shows each re-run configuration's mean ± sd (×4).
    guard Tmux.available else { return }
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) watch sqlite:///\(dir)/s.db --study s; sleep 30", width: 120, height: 40)
    defer { tmux.kill() }
    let screen = try await tmux.waitFor(timeout: 30) { $0.contains("Mean±sd") && $0.contains("×4") }
    let shown = screen.split(separator: "\n").filter { $0.contains("×4") }
    #expect(shown.count >= 3, "\(screen)")
    // The top configuration's mean as shown agrees with the stored values to the shown digits.
    let cells = shown.compactMap { line in line.split(separator: " ").first { $0.contains("±") } }
    let shownMeans = cells.compactMap { Double($0.split(separator: "±")[0]) }
    let target = top["mean"]?.doubleValue ?? 0
    #expect(shownMeans.contains { abs($0 - target) <= 0.006 * max(abs(target), 0.01) }, "\(cells) vs \(target)")
  }
}
