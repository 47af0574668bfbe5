import ArgumentParser
import Foundation
import HPO

struct Demo: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a built-in simulated-training study in a temporary directory (no files needed).")
  @OptionGroup var engine: EngineOptions
  @Option(help: "Seconds each simulated epoch takes.") var epochSeconds: Double = 0.05
  @OptionGroup var tui: TUIOptions
  @Option(help: "Write the dashboard as an SVG picture to this file instead of opening it (the README's picture).")
  var svg: String?
  @Option(help: "With --svg: seconds of the study to run before the picture.") var after: Double = 8
  @Option(help: "With --svg: the screen size, WIDTHxHEIGHT.") var size: String = "160x45"

  /// The demo's study file, written into the temporary directory so users can see and reuse it.
  static func studyFile(epochSeconds: Double) -> String {
    """
    # The hpotop demo: a simulated network training with noisy learning curves.
    name: demo
    metric: {name: val_loss, direction: minimize}
    # BOHB (Falkner et al. 2018) brings a Hyperband pruner: bad curves stop early.
    sampler: {name: bohb, seed: 7}
    # The budget is compute: 2000 epochs over all trials, however many trials that makes.
    budget: {steps: 2000}
    parallelism: 4
    objective: {builtin: simulated_training, epochs: 27, sleep: \(epochSeconds)}

    """
  }

  func run() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hpotop-demo-\(getpid())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/demo.yaml"
    try Data(Self.studyFile(epochSeconds: epochSeconds).utf8).write(to: URL(fileURLWithPath: path))
    if let svg {
      let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
      guard parts.count == 2, parts[0] >= 20, parts[1] >= 6 else {
        throw BadInput("--size must be WIDTHxHEIGHT with at least 20x6, got '\(size)'")
      }
      try await renderDashboardSVG(
        spec: try loadSpec(path), engine: engine, after: after, width: parts[0], height: parts[1], path: svg)
      return
    }
    let problem = wantsTUI(noTui: engine.noTui) ? terminalProblem() : nil
    if let problem { printError("note: \(problem); running headless (log lines instead of the dashboard)") }
    if wantsTUI(noTui: engine.noTui), problem == nil {
      try await runStudyWithDashboard(spec: try loadSpec(path), engine: engine, tui: tui, mode: .demo)
      printError("Demo study file: \(path) (watch it with: hpotop watch sqlite:///\(dir)/demo.db)")
      return
    }
    printError("[I \(logTimestamp())] Demo study file: \(path) (watch it with: hpotop watch sqlite:///\(dir)/demo.db)")
    try await runStudy(spec: try loadSpec(path), engine: engine)
  }
}
