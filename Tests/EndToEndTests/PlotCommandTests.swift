import Foundation
import HPO
import HPOSQLite
import Testing

/// `hpotop plot KIND --svg` on real studies: what the SVG draws matches the storage.
@Suite struct PlotCommandTests {
  /// Issue 14, done-when 4: the demo's parallel coordinates draw one line per finished trial,
  /// the trials without the conditional `momentum` (optimizer adam) included.
  @Test func parallelDrawsOnePathPerFinishedTrialOfTheDemo() async throws {
    let dir = try Binary.temporaryDirectory("plot")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // The demo's study file (`hpotop demo`), with instant epochs.
    let yaml = """
      name: demo
      metric: {name: val_loss, direction: minimize}
      sampler: {name: bohb, seed: 7}
      n_trials: 24
      parallelism: 4
      objective: {builtin: simulated_training, epochs: 27, sleep: 0}

      """
    try yaml.write(toFile: dir + "/demo.yaml", atomically: true, encoding: .utf8)
    let run = try await Binary.run(["run", "demo.yaml", "--no-tui"], in: dir)
    #expect(run.status == 0, "\(run.stderr.suffix(600))")
    let plot = try await Binary.run(
      ["plot", "parallel", "--storage", "sqlite:///demo.db", "--study-name", "demo", "--svg", "p.svg"], in: dir)
    #expect(plot.status == 0, "\(plot.stderr.suffix(600))")
    let svg = try String(contentsOfFile: dir + "/p.svg", encoding: .utf8)
    let study = try await Study.load(name: "demo", storage: try SQLiteStorage(path: dir + "/demo.db"))
    let finished = try await study.trials().filter { $0.state == .complete && ($0.value?.isFinite ?? false) }
    // Parse the paths: one per trial, naming its trial number.
    let drawn = svg.components(separatedBy: "<path class=\"trial\" data-trial=\"").dropFirst().compactMap {
      Int($0.prefix { $0.isNumber })
    }
    #expect(drawn.count == finished.count)
    #expect(Set(drawn) == Set(finished.map(\.number)))
    let withoutMomentum = finished.filter { $0.params["momentum"] == nil }
    #expect(!withoutMomentum.isEmpty, "the demo should have adam trials")
    #expect(finished.contains { $0.params["momentum"] != nil } ? svg.contains(">n/a<") : true)
    let best = try #require(try await study.bestTrial())
    #expect(drawn.contains(best.number))
    // An objective the study does not have is bad input.
    let bad = try await Binary.run(
      ["plot", "edf", "--storage", "sqlite:///demo.db", "--study-name", "demo", "--svg", "e.svg", "--objective", "3"], in: dir)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("error: --objective 3: the study has 1 objective(s)"), "\(bad.stderr)")
  }

  @Test func anUnknownKindListsTheTabsThatHaveAnSVG() async throws {
    let dir = try Binary.temporaryDirectory("plot")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try await Binary.run(["plot", "nope", "--storage", "sqlite:///x.db", "--study-name", "x", "--svg", "p.svg"], in: dir)
    #expect(r.status == 2)
    #expect(r.stderr.contains("history, parallel, pareto, importance, intermediate, slice, contour, edf"))
  }
}
