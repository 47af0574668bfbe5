import Foundation
import Testing

/// Plot tabs in the real dashboard (tmux): what a user reads after pressing keys.
@Suite(.serialized) struct PlotTmuxTests {
  /// The y-axis tick values of the Pareto front (rows above the hypervolume chart).
  static func frontYTicks(_ screen: String) -> [Double] {
    var out: [Double] = []
    for line in screen.split(separator: "\n") {
      if line.contains("hypervolume") { break }
      guard let bar = line.firstIndex(of: "┤") else { continue }
      let head = line[..<bar].split(whereSeparator: { $0 == "│" || $0 == " " }).last
      if let head, let v = Double(head) { out.append(v) }
    }
    return out
  }

  /// Issue 14: `c` on the Pareto tab swaps the axes' data with their labels.
  @Test func paretoSwapMovesTheData() async throws {
    guard Tmux.available else { return }  // it prints why
    let dir = try Binary.temporaryDirectory("tmux-pareto")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // ZDT1: f1 in [0, 1], f2 up to about 6 for random points.
    try """
      name: zdt
      objective: {builtin: zdt1, dims: 6}
      metrics:
        - {name: f1, direction: minimize}
        - {name: f2, direction: minimize}
      sampler: {name: random, seed: 3}
      n_trials: 40

      """.write(toFile: dir + "/zdt.yaml", atomically: true, encoding: .utf8)
    let run = try await Binary.run(["run", "zdt.yaml", "--no-tui"], in: dir)
    #expect(run.status == 0, "\(run.stderr.suffix(400))")
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) watch sqlite:///zdt.db", width: 120, height: 40)
    defer { tmux.kill() }
    _ = try await tmux.waitFor(timeout: 30) { $0.contains("40 trials") }
    try tmux.send("3")
    try tmux.send("z")
    let before = try await tmux.waitFor(timeout: 10) { $0.contains("(c/C: change)") && $0.contains("hypervolume") }
    let names = try #require(before.firstMatch(of: /x=(\S+) y=(\S+) \(c\/C/), "\(before)")
    let (x, y) = (String(names.1), String(names.2))
    let yBefore = Self.frontYTicks(before)
    #expect((yBefore.max() ?? 0) > 1.5, "the y axis reads f2 (up to ~6): \(yBefore)\n\(before)")
    try tmux.send("c")
    let after = try await tmux.waitFor(timeout: 10) { $0.contains("x=\(y) y=\(x) ") }
    let yAfter = Self.frontYTicks(after)
    #expect(!yAfter.isEmpty && yAfter.allSatisfy { $0 <= 1 }, "the y axis now reads f1 (0…1): \(yAfter)\n\(after)")
  }
}
