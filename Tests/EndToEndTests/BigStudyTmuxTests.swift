import Foundation
import HPOTesting
import Testing

/// `watch` on a 100k-trial study that Python Optuna's schema holds (written by
/// `bench/gen_study.py`, issue 25): rows show while the study still loads, and once it has
/// loaded the header's counts are the storage's.
@Suite(.serialized) struct BigStudyTmuxTests {
  @Test(.tags(.slow)) func watchShowsTheNewestRowsOfA100kStudyThenExactCounts() async throws {
    guard Tmux.available else { return }
    guard PythonPeer.shouldRun(for: "the 100k-study watch test") else { return }
    let dir = try Binary.temporaryDirectory("tmux-big")
    let db = dir + "/big.db"
    let gen = try await run(PythonPeer.python + [
      PythonPeer.packageRoot.appendingPathComponent("bench/gen_study.py").path, db, "--trials", "100000"])
    try #require(gen.status == 0, "\(gen.output)")
    // The counts per state, as SQLite holds them.
    let counted = try await run(PythonPeer.python + ["-c", """
      import sqlite3, sys
      for s, n in sqlite3.connect(sys.argv[1]).execute("SELECT state, COUNT(*) FROM trials GROUP BY state"):
          print(s.lower(), n)
      """, db])
    try #require(counted.status == 0, "\(counted.output)")
    let expected = counted.output.split(separator: "\n").map { $0.split(separator: " ") }
      .map { "\($0[1]) \($0[0])" }
    #expect(expected.count == 4, "\(counted.output)")

    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) watch sqlite:///\(db) --study big; sleep 30", width: 200, height: 50)
    defer { tmux.kill() }
    // The newest trial's row, under the study's full count.
    let first = try await tmux.waitFor(timeout: 60) { $0.contains("100000 trials:") && Self.hasRow(99999, $0) }
    #expect(first.contains("100000 trials:") && Self.hasRow(99999, first), "\(first)")
    // Loaded: no mark left, and every count is the storage's.
    let loaded = try await tmux.waitFor(timeout: 120) { s in
      !s.contains("loading") && !s.contains("≥") && expected.allSatisfy { s.contains($0) }
    }
    for e in expected { #expect(loaded.contains(e), "\(e) not shown:\n\(loaded)") }
    #expect(!loaded.contains("loading") && !loaded.contains("≥"), "\(loaded)")
    #expect(loaded.contains("Trials (100000)"), "\(loaded)")
    try tmux.send("q")
  }

  /// Whether the table shows trial `number` as a row (`│ 99999 COMPLETE …`).
  static func hasRow(_ number: Int, _ screen: String) -> Bool {
    screen.split(separator: "\n").contains { $0.range(of: "^│ *\(number) [A-Z]", options: .regularExpression) != nil }
  }

  /// Runs a command (no shell) and returns its status and joined output.
  func run(_ argv: [String]) async throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let out = String(decoding: await Binary.readToEnd(pipe.fileHandleForReading), as: UTF8.self)
    return (await Binary.waitForExit(p), out)
  }
}
