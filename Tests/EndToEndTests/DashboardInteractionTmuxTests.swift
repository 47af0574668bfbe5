import Foundation
import HPO
import HPOSQLite
import Testing

extension Tmux {
  /// Quits a dashboard with `q`; when trials run in it, the quit dialog comes up and `s` (stop
  /// now) interrupts them, as `q` alone did before the dialog existed.
  func quitDashboard() async throws {
    // On a loaded machine a key sent just before may still open an overlay (a click's detail
    // pane) after `q` arrived, and `q` then closes that instead: press it again, as a user would.
    for _ in 0..<3 {
      try send("q")
      let screen = try await waitFor(timeout: 5) { $0.contains("Quit hpotop?") }
      if screen.contains("Quit hpotop?") {
        try send("s")
        return
      }
      try send("Escape")
    }
  }

  /// Writes bytes to the pane as if the terminal sent them (mouse reports).
  func sendBytes(_ bytes: [UInt8]) throws {
    try Tmux.run(["send-keys", "-t", name, "-H"] + bytes.map { String(format: "%02x", $0) })
  }

  /// An xterm SGR (1006) mouse report: `button` 0 left, 64 wheel up, 65 wheel down; 0-based cell.
  func sendMouse(button: Int, x: Int, y: Int, release: Bool = false) throws {
    try sendBytes(Array("\u{1b}[<\(button);\(x + 1);\(y + 1)\(release ? "m" : "M")".utf8))
  }
}

/// The quit dialog, the mouse, and `watch` on a relative path, on the real binary in tmux.
@Suite(.serialized) struct DashboardInteractionTmuxTests {
  /// Screen row and the number of each trial row in the table (`│  12 COMPLETE …`).
  func tableRows(_ screen: String) -> [(y: Int, number: Int)] {
    screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { y, line in
      guard let m = line.firstMatch(of: #/^│ *(\d+) +(COMPLETE|RUNNING|PRUNED|FAIL|WAITING)/#) else { return nil }
      return (y, Int(m.1) ?? -1)
    }
  }

  /// After `p`: waits until the pause is stored, no trial runs, and two captures in a row show
  /// the dashboard paused with the stored trial count and none running. Returns that screen and
  /// the count.
  func stillPausedScreen(_ s: DashboardSession) async throws -> (screen: String, count: Int) {
    #expect(try await waitUntil(30) { try await s.controls.isPaused() }, "the pause was not stored:\n\(s.screen)")
    #expect(try await waitUntil(30) { try await s.trials().allSatisfy { $0.state != .running } })
    let count = try await s.trials().count
    var last = ""
    let screen = try await s.tmux.waitFor(timeout: 20) { screen in
      defer { last = screen }
      return screen == last && screen.contains(" PAUSED ") && screen.contains("\(count) trials:")
        && screen.contains(" 0 running") && self.tableRows(screen).count >= 8
    }
    if screen != last || !screen.contains(" 0 running") || !screen.contains("\(count) trials:") {
      print("mouse test: the paused screen did not settle on \(count) trials, none running; its header:\n\(screen.split(separator: "\n").prefix(4).joined(separator: "\n"))")
    }
    return (screen, count)
  }

  @Test func quitDialogCancelsAndDrainsWithoutFailingATrial() async throws {
    guard Tmux.available else { return }
    let s = try await DashboardSession.start("tmux-quit", sleep: "1.5", parallelism: 2)
    try await s.closing {
      #expect(try await waitUntil(60) {
        let t = try await s.trials()
        return t.filter { $0.state == .running }.count == 2 && t.contains { $0.state == .complete }
      }, "trials did not start:\n\(s.screen)")
      // Cancel: the dialog closes and the study goes on.
      try s.tmux.send("q")
      let dialog = try await s.tmux.waitFor(timeout: 10) { $0.contains("Quit hpotop?") }
      #expect(dialog.contains("trials are running.") && dialog.contains("drain"), "\(dialog)")
      try s.tmux.send("c")
      _ = try await s.tmux.waitFor(timeout: 10) { !$0.contains("Quit hpotop?") }
      let before = try await s.trials().filter { $0.state == .complete }.count
      #expect(try await waitUntil(30) { try await s.trials().filter { $0.state == .complete }.count >= before + 2 },
              "no trial finished after cancel:\n\(s.screen)")
      // Drain: the number left shows, no trial starts, and hpotop quits when the running ones end.
      try s.tmux.send("q")
      _ = try await s.tmux.waitFor(timeout: 10) { $0.contains("Quit hpotop?") }
      try s.tmux.send("d")
      let draining = try await s.tmux.waitFor(timeout: 10) { screen in
        screen.contains("draining:") || FileManager.default.fileExists(atPath: s.dir + "/done")
      }
      // The count shows while trials run (on a loaded machine they may all end before a capture).
      let quitAlready = FileManager.default.fileExists(atPath: s.dir + "/done")
      #expect(quitAlready || draining.contains("still running"), "\(draining)")
      let startedBefore = try await s.trials().count
      var done = ""
      #expect(try await waitUntil(30) {
        done = (try? String(contentsOfFile: s.dir + "/done", encoding: .utf8)) ?? ""
        return done.contains("EXIT=")
      }, "hpotop did not quit after the drain:\n\(s.screen)")
      #expect(done.contains("EXIT=0"), "\(done)")
      let trials = try await s.trials()
      #expect(trials.filter { $0.state == .fail }.map(\.number) == [], "failed trials after cancel and drain")
      #expect(trials.allSatisfy { $0.state == .complete }, "\(trials.map { "\($0.number) \($0.state)" })")
      #expect(trials.count <= startedBefore + 1, "trials started while draining")
    }
  }

  @Test func mouseClicksSelectRowsAndTabsAndTheWheelScrolls() async throws {
    guard Tmux.available else { return }
    let s = try await DashboardSession.start("tmux-mouse", sleep: "0.1", parallelism: 1)
    try await s.closing {
      #expect(try await waitUntil(60) { try await s.trials().filter { $0.state == .complete }.count >= 12 })
      // Pause so the rows hold still.
      try s.tmux.send("p")
      var attempt = 0
      while true {
        attempt += 1
        let (screen, count) = try await stillPausedScreen(s)
        let rows = tableRows(screen)
        try #require(rows.count >= 8, "\(screen)")
        // Click the fifth row, open its detail: it is that trial.
        let target = rows[4]
        try s.tmux.sendMouse(button: 0, x: 4, y: target.y)
        try s.tmux.sendMouse(button: 0, x: 4, y: target.y, release: true)
        try await Task.sleep(for: .milliseconds(500))
        try s.tmux.send("Enter")
        let detail = try await s.tmux.waitFor(timeout: 10) { $0.contains(" Trial \(target.number) (") }
        // A trial asked in the instant the pause was written still starts (its worker checked the
        // pause just before), and its row pushes the table down: then look again, once it is shown.
        let now = try await s.trials().count
        if !detail.contains(" Trial \(target.number) ("), now != count, attempt < 3 {
          print("mouse test: \(now - count) trial(s) started after the pause; clicking again on the new screen")
          try s.tmux.send("Escape")
          continue
        }
        if !detail.contains(" Trial \(target.number) (") {
          print("mouse test: clicked trial \(target.number) at row \(target.y); screen before the click:\n\(screen.split(separator: "\n").prefix(target.y + 2).joined(separator: "\n"))")
        }
        #expect(detail.contains(" Trial \(target.number) ("), "click did not select trial \(target.number) at row \(target.y):\n\(screen)\n\(detail)")
        try s.tmux.send("Escape")
        _ = try await s.tmux.waitFor(timeout: 10) { !$0.contains(" Trial \(target.number) (") }
        // The wheel: three rows down from there.
        try s.tmux.sendMouse(button: 65, x: 4, y: target.y)
        try await Task.sleep(for: .milliseconds(500))
        try s.tmux.send("Enter")
        let below = rows[7].number
        let wheeled = try await s.tmux.waitFor(timeout: 10) { $0.contains(" Trial \(below) (") }
        #expect(wheeled.contains(" Trial \(below) ("), "wheel did not move to trial \(below):\n\(wheeled)")
        try s.tmux.send("Escape")
        _ = try await s.tmux.waitFor(timeout: 10) { !$0.contains(" Trial \(below) (") }
        break
      }
      // A tab: before, `c` is refused off the slice tab; after clicking its tab ("6 Slice", shortened to "6 Sli" when the tab bar is narrow) it is not.
      let tabs = try await s.tmux.waitFor(timeout: 10) { $0.contains("6 Sli") && !$0.contains("(Esc closes") }
      let lines = tabs.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let tabRow = try #require(lines.firstIndex { $0.contains("6 Sli") }, "\(lines.joined(separator: "\n"))")
      let col = lines[tabRow].distance(from: lines[tabRow].startIndex, to: lines[tabRow].range(of: "6 Sli")!.lowerBound)
      try s.tmux.sendMouse(button: 0, x: col + 3, y: tabRow)
      try s.tmux.sendMouse(button: 0, x: col + 3, y: tabRow, release: true)
      try await Task.sleep(for: .milliseconds(500))
      try s.tmux.send("c")
      try await Task.sleep(for: .milliseconds(500))
      let after = try s.tmux.capture()
      #expect(!after.contains("only on the slice"), "the click did not open the slice tab:\n\(after)")
      try s.tmux.send("p")
    }
  }

  @Test func watchOnARelativePathShowsTrialLogsAndTheMetricName() async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("tmux-relwatch")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sub = dir + "/runs/a"
    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    try """
      #!/bin/sh
      echo "hello from trial $HPOTOP_TRIAL_NUMBER"
      echo "[hpotop] val_loss=0.$HPOTOP_TRIAL_NUMBER"
      """.write(toFile: sub + "/objective.sh", atomically: true, encoding: .utf8)
    chmod(sub + "/objective.sh", 0o755)
    try """
      name: rel
      metric: {name: val_loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
      n_trials: 3
      objective: {command: [./objective.sh]}
      """.write(toFile: sub + "/rel.yaml", atomically: true, encoding: .utf8)
    let ran = try await Binary.run(["run", "rel.yaml", "--no-tui"], in: sub)
    #expect(ran.status == 0, "\(ran.stderr)")
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) watch sqlite:///runs/a/rel.db; sleep 30")
    defer { tmux.kill() }
    let screen = try await tmux.waitFor(timeout: 30) { $0.contains("val_loss") && $0.contains("COMPLETE") }
    #expect(screen.contains("val_loss"), "the metric name is not shown:\n\(screen)")
    // The selected (newest) trial's detail shows its stdout from runs/a/trials/2/stdout.log.
    try tmux.send("Home")
    try tmux.send("Enter")
    let detail = try await tmux.waitFor(timeout: 10) { $0.contains("hello from trial") }
    #expect(detail.contains("hello from trial"), "no trial log in the detail:\n\(detail)")
    try tmux.send("Escape")
    try tmux.send("q")
  }
}

extension DashboardInteractionTmuxTests {
  /// The help at 80×24 does not fit: it says so, End and Home reach both ends (tmux sends
  /// `\E[4~`/`\E[1~`, which xterm-256color's terminfo lacks), and `q` closes it, not the app.
  @Test func helpScrollsWithHomeAndEndAndQClosesIt() async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("tmux-help")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tmux = try Tmux.start("cd \(dir) && \(Binary.path) demo --epoch-seconds 0.2; echo EXIT=$?; sleep 30", width: 80, height: 24)
    defer { tmux.kill() }
    _ = try await tmux.waitFor(timeout: 30) { $0.contains(" RUNNING ") }
    try tmux.send("?")
    // Until the overlay is drawn whole: a capture can catch the terminal mid-redraw.
    let top = try await tmux.waitFor(timeout: 10) { $0.contains("lines 1–20 of") && $0.contains("▼ more") }
    #expect(top.contains("lines 1–20 of") && top.contains("▼ more"), "\(top)")
    let total = top.firstMatch(of: #/lines 1–20 of (\d+)/#).flatMap { Int($0.1) } ?? -1
    try tmux.send("End")
    // The whole bottom page, not a capture taken mid-redraw.
    let end = try await tmux.waitFor(timeout: 10) { $0.contains("–\(total) of \(total)") && $0.contains("Filter examples") }
    #expect(end.contains("–\(total) of \(total)") && end.contains("Filter examples"), "\(end)")
    try tmux.send("Home")
    let home = try await tmux.waitFor(timeout: 10) { $0.contains("lines 1–20 of") }
    #expect(home.contains("lines 1–20 of"), "\(home)")
    try tmux.send("q")
    let closed = try await tmux.waitFor(timeout: 10) { !$0.contains("Help — keys") }
    #expect(!closed.contains("Help — keys") && !closed.contains("EXIT="), "q quit the app from the help:\n\(closed)")
    try await tmux.quitDashboard()
    let exited = try await tmux.waitFor(timeout: 30) { $0.contains("EXIT=") }
    #expect(exited.contains("EXIT=0") || exited.contains("EXIT=130"), "\(exited)")
  }
}

/// `hpotop demo --svg`: the README picture command.
@Suite struct DemoSVGTests {
  @Test func demoWritesTheDashboardAsSVG() async throws {
    let dir = try Binary.temporaryDirectory("demo-svg")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = try await Binary.run(["demo", "--svg", "shot.svg", "--after", "2", "--size", "120x40"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let svg = try String(contentsOfFile: dir + "/shot.svg", encoding: .utf8)
    #expect(svg.contains("width=\"1008\" height=\"680\""))
    #expect(svg.contains(">hpotop</text>") && svg.contains(">demo</text>") && svg.contains(">Trials</text>"), "\(svg.prefix(2000))")
    let bad = try await Binary.run(["demo", "--svg", "x.svg", "--size", "big"], in: dir)
    #expect(bad.status == 2 && bad.stderr.contains("--size must be WIDTHxHEIGHT"), "\(bad.stderr)")
  }
}
