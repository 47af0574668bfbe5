import Foundation
import HPOTesting
import Testing

/// The real `hpotop` dashboard in tmux: demo rows appear, help, resize, quit with the terminal
/// restored; and `watch` on a SQLite study that Python Optuna is still writing.
@Suite(.serialized) struct DashboardTmuxTests {
  @Test func demoShowsRowsHelpResizesAndQuitsCleanly() async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("tmux-demo")
    let done = dir + "/done.txt"
    let tmux = try Tmux.start(
      "cd \(dir) && \(Binary.path) demo --epoch-seconds 0.02; echo EXIT=$? > \(done); stty -a >> \(done); sleep 30")
    defer { tmux.kill() }
    // Follow mode keeps the newest rows on top, and the demo prunes most trials: any state counts.
    let states = [" COMPLETE ", " RUNNING ", " PRUNED "]
    let rows = try await tmux.waitFor(timeout: 30) { screen in states.contains { screen.contains($0) } }
    #expect(rows.contains("hpotop demo"), "\(rows)")
    #expect(states.contains { rows.contains($0) }, "no trial rows:\n\(rows)")
    #expect(rows.contains("? Help"))

    try tmux.send("?")
    let help = try await tmux.waitFor(timeout: 10) { $0.contains("Help — keys") }
    #expect(help.contains("Help — keys"), "\(help)")
    try tmux.send("Escape")
    _ = try await tmux.waitFor(timeout: 10) { !$0.contains("Help — keys") }

    try tmux.resize(width: 60, height: 20)
    let small = try await tmux.waitFor(timeout: 10) { s in
      let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
      return lines.first?.hasPrefix(" hpotop demo") == true && (lines.dropFirst().first?.count ?? 999) <= 60
    }
    let lines = small.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first?.hasPrefix(" hpotop demo") == true, "\(small)")
    #expect(lines.allSatisfy { $0.count <= 60 })

    try await tmux.quitDashboard()
    var status = ""
    for _ in 0..<150 where !status.contains("EXIT=") {
      try await Task.sleep(for: .milliseconds(200))
      status = (try? String(contentsOfFile: done, encoding: .utf8)) ?? ""
    }
    #expect(status.contains("EXIT=0"), "\(status)")
    // The terminal is back in cooked mode with echo.
    #expect(status.contains(" icanon") && status.contains(" echo "), "\(status)")
  }

  @Test func watchShowsTrialsThatPythonOptunaIsWriting() async throws {
    guard Tmux.available else { return }
    guard PythonPeer.shouldRun(for: "the watch-vs-Python test") else { return }
    let dir = try Binary.temporaryDirectory("tmux-watch")
    let db = dir + "/py.db"
    let writer = Process()
    writer.executableURL = URL(fileURLWithPath: PythonPeer.python[0])
    let go = dir + "/go"
    writer.arguments = Array(PythonPeer.python.dropFirst())
      + [PythonPeer.interopDir.appendingPathComponent("optuna_slow_writer.py").path, db, "pystudy", "40", "0.25", go]
    let out = Pipe()
    writer.standardOutput = out
    writer.standardError = out
    try writer.run()
    defer { if writer.isRunning { writer.terminate() } }
    // Wait for the study to exist.
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: db) { try await Task.sleep(for: .milliseconds(100)) }
    try await Task.sleep(for: .seconds(2))
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) watch sqlite:///\(db) --study pystudy --poll 0.25; sleep 30")
    defer { tmux.kill() }
    func count(_ screen: String) -> Int? {
      guard let r = screen.range(of: #" (\d+) trials:"#, options: .regularExpression) else { return nil }
      return Int(screen[r].split(separator: " ").first ?? "")
    }
    let first = try await tmux.waitFor(timeout: 30) { count($0) != nil }
    let n1 = count(first) ?? -1
    #expect(n1 >= 0 && n1 <= 4, "\(first)")
    // The watcher is up: let Python write the rest.
    FileManager.default.createFile(atPath: go, contents: Data())
    let later = try await tmux.waitFor(timeout: 60) { (count($0) ?? -1) >= n1 + 3 }
    let n2 = count(later) ?? -1
    #expect(n2 >= n1 + 3, "no new trials shown live (\(n1) → \(n2)):\n\(later)")
    #expect(later.contains("pystudy") && later.contains(" x"))
    let log = String(decoding: await Binary.readToEnd(out.fileHandleForReading), as: UTF8.self)
    let writerStatus = await Binary.waitForExit(writer)
    #expect(writerStatus == 0, "\(log)")
    #expect(!log.lowercased().contains("locked"), "\(log)")
    let final = try await tmux.waitFor(timeout: 20) { count($0) == 40 }
    #expect(count(final) == 40, "\(final)")
    try tmux.send("q")
  }
}
