import Foundation
import HPO
import HPOSQLite
import Testing

/// The dashboard's steering keys on the real binary in tmux, pressed as a user would: prune the
/// selected running trial (its process stops), enqueue a config from the form (and an invalid one
/// that writes nothing), pause and resume, fix a param. Each test checks the study's storage, not
/// only the screen. Prune, pause and fix also run through `hpotop watch` on a study that separate
/// `hpotop worker` processes run, so the keys act across processes.
@Suite(.serialized) struct SteeringTmuxTests {
  @Test(arguments: [DashboardSession.Mode.run, .watch])
  func pruneKeyStopsTheSelectedTrialsProcess(mode: DashboardSession.Mode) async throws {
    guard Tmux.available else { return }
    // Trials sleep 10 minutes: the one the test picks must still run when `k` reaches it (with
    // 60 s, on a loaded CI machine the first trial ended between the pick and the key, and the
    // dialog asked about the next one).
    let s = try await DashboardSession.start("tmux-prune-\(mode)", sleep: "600", parallelism: 1, mode: mode)
    try await s.closing {
      // The one running trial and the PID of its process.
      var running: FrozenTrial?
      let started = try await waitUntil(60) {
        running = try await s.trials().first { $0.state == .running }
        guard let t = running else { return false }
        return FileManager.default.fileExists(atPath: s.pidFile(t.number))
      }
      #expect(started, "no trial started:\n\(s.screen)")
      let target = try #require(running)
      let pid = try s.pid(of: target.number)
      // Only RUNNING rows: the running trial is the selected row.
      try s.filter("running")
      let filtered = try await s.tmux.waitFor { $0.contains("Trials (1 of") }
      #expect(filtered.contains("Trials (1 of"), "\(filtered)")

      // Both keys of the binding: k, and F9 (an escape sequence) on the watch side.
      try s.tmux.send(mode == .run ? "k" : "F9")
      let dialog = try await s.tmux.waitFor { $0.contains("Prune trial \(target.number)?") }
      #expect(dialog.contains("Prune trial \(target.number)?"), "\(dialog)")
      try s.tmux.send("y")

      #expect(try await waitUntil(30) { kill(pid, 0) != 0 }, "the pruned trial's process \(pid) still runs")
      var after = target
      #expect(try await waitUntil(30) {
        after = try await s.storage.trial(id: target.id)
        return after.state.isFinished
      })
      #expect(after.state == .pruned)
      #expect(after.systemAttrs["hpotop:prune_reason"] == .string("pruned by user"))
      // Unfiltered, the table shows the row as PRUNED.
      try await s.escape()
      let table = try await s.tmux.waitFor { s.row(target.number, in: $0)?.contains("PRUNED") == true }
      #expect(s.row(target.number, in: table)?.contains("PRUNED") == true, "\(table)")
    }
  }

  @Test func enqueueFormRunsTheTypedParamsNextAndRefusesInvalidOnes() async throws {
    guard Tmux.available else { return }
    let s = try await DashboardSession.start("tmux-enqueue", sleep: "0.4", parallelism: 1)
    try await s.closing {
      #expect(try await waitUntil(60) { try await s.trials().filter { $0.state == .complete }.count >= 2 })

      // An invalid value: the inline error is shown, Enter is refused, nothing is written.
      try s.tmux.send("e")
      _ = try await s.tmux.waitFor { $0.contains("Enqueue a trial") }
      try s.tmux.send("C-u")
      try s.type("abc")
      let invalid = try await s.tmux.waitFor { $0.contains("abc▏") && $0.contains("✗ not a number") }
      #expect(invalid.contains("abc▏"), "\(invalid)")
      #expect(invalid.contains("✗ not a number"), "\(invalid)")
      #expect(invalid.contains("(fix errors first)"), "\(invalid)")
      try s.tmux.send("Enter")
      let refused = try await s.tmux.waitFor { $0.contains("fix the invalid fields first") }
      #expect(refused.contains("fix the invalid fields first"), "\(refused)")
      #expect(refused.contains("Enqueue a trial"), "Enter closed the form on an invalid value:\n\(refused)")
      try await s.escape()
      _ = try await s.tmux.waitFor { !$0.contains("Enqueue a trial") }
      try await Task.sleep(for: .seconds(2))
      #expect(try await s.trials().allSatisfy {
        $0.systemAttrs["fixed_params"] == nil && $0.state != .waiting
      },
              "the refused form wrote a trial")

      // Valid values typed into each field: that trial runs next.
      try s.tmux.send("e")
      _ = try await s.tmux.waitFor { $0.contains("Enqueue a trial") }
      for (i, text) in ["0.123", "77", "sgd"].enumerated() {
        if i > 0 { try s.tmux.send("Down") }
        try s.tmux.send("C-u")
        try s.type(text)
      }
      let form = try await s.tmux.waitFor { $0.contains("Enter: enqueue") && $0.contains("sgd▏") }
      #expect(form.contains("0.123") && form.contains("77") && form.contains("Enter: enqueue"), "\(form)")
      try s.tmux.send("Enter")
      var enqueued: FrozenTrial?
      #expect(try await waitUntil(30) {
        enqueued = try await s.trials().first { $0.systemAttrs["fixed_params"] != nil }
        return enqueued?.state == .complete
      }, "the enqueued trial did not run:\n\(s.screen)")
      let e = try #require(enqueued)
      #expect(e.params == ["x": .float(0.123), "n": .int(77), "opt": .string("sgd")])
      // It ran next: no trial created after it started before it.
      let start = try #require(e.datetimeStart)
      let later = try await s.trials().filter { $0.number > e.number }
      #expect(later.allSatisfy { ($0.datetimeStart ?? .distantFuture) >= start })
      #expect(try await s.trials().filter { $0.systemAttrs["fixed_params"] != nil }.count == 1)
    }
  }

  @Test(arguments: [DashboardSession.Mode.run, .watch])
  func pauseKeyStopsNewTrialsUntilResumed(mode: DashboardSession.Mode) async throws {
    guard Tmux.available else { return }
    let s = try await DashboardSession.start("tmux-pause-\(mode)", sleep: "0.3", parallelism: 2, mode: mode)
    try await s.closing {
      #expect(try await waitUntil(60) { try await s.trials().filter { $0.state == .complete }.count >= 3 })
      _ = try await s.tmux.waitFor { $0.contains(" COMPLETE ") }
      try s.tmux.send("p")
      let paused = try await s.tmux.waitFor { $0.contains("PAUSED") }
      #expect(paused.contains("PAUSED"), "\(paused)")
      #expect(try await waitUntil(30) { try await s.controls.isPaused() })
      // Running trials finish; then nothing starts.
      #expect(try await waitUntil(30) { try await s.trials().allSatisfy { $0.state.isFinished } },
              "trials still run 30 s after the pause")
      let count = try await s.trials().count
      try await Task.sleep(for: .seconds(5))
      let still = try await s.trials()
      #expect(still.count == count, "\(still.count - count) trials started while paused")
      #expect(try await s.tmux.capture().contains("PAUSED"))

      try s.tmux.send("p")
      let resumed = try await s.tmux.waitFor { !$0.contains("PAUSED") }
      #expect(!resumed.contains("PAUSED"), "\(resumed)")
      #expect(try await waitUntil(60) { try await s.trials().count >= count + 3 },
              "no trial started after resume")
      let stillPaused = try await s.controls.isPaused()
      #expect(!stillPaused)
    }
  }

  @Test(arguments: [DashboardSession.Mode.run, .watch])
  func fixKeyFixesTheChosenParamForNewTrials(mode: DashboardSession.Mode) async throws {
    guard Tmux.available else { return }
    let s = try await DashboardSession.start("tmux-fix-\(mode)", sleep: "0.2", parallelism: 1, mode: mode)
    try await s.closing {
      #expect(try await waitUntil(60) { try await s.trials().filter { $0.state == .complete }.count >= 3 })
      _ = try await s.tmux.waitFor { $0.contains(" COMPLETE ") }
      // The last row (newest first) is trial 0, long complete: all its params are there.
      try s.tmux.send("End")
      try s.tmux.send("f")
      let picker = try await s.tmux.waitFor { $0.contains("Fix which param?") }
      let entries = DashboardSession.pickerEntries(picker)
      #expect(entries.map(\.name) == ["x", "n", "opt"], "\(picker)")
      try #require(entries.count == 3)
      // The picker shows the selected trial's values.
      let shown = entries[1].value
      #expect(try await s.trials().contains { $0.params["n"]?.displayText == shown }, "\(picker)")
      // Choose the second param, n, and type a value no trial has had yet.
      let taken = Set(try await s.trials().compactMap { $0.params["n"]?.json.compactJSON })
      let value = try #require((500...1000).map(String.init).first { !taken.contains($0) })
      let name = "n"
      try s.tmux.send("Down")
      try s.tmux.send("Enter")
      let dialog = try await s.tmux.waitFor { $0.contains("Fix n for new trials") }
      #expect(dialog.contains("Fix n for new trials"), "\(dialog)")
      // An invalid value first: the inline error shows and Enter writes nothing.
      try s.tmux.send("C-u")
      try s.type("5000")
      let invalid = try await s.tmux.waitFor { $0.contains("5000▏") && $0.contains("✗ must be in [1, 1000]") }
      #expect(invalid.contains("✗ must be in [1, 1000]"), "\(invalid)")
      try s.tmux.send("Enter")
      let refused = try await s.tmux.waitFor { $0.contains("fix the invalid value first") }
      #expect(refused.contains("Fix n for new trials"), "Enter closed the dialog on an invalid value:\n\(refused)")
      #expect(try await s.storage.studySystemAttrs(study: s.studyID)["hpotop:fixed_params"] == nil)
      try s.tmux.send("C-u")
      try s.type(value)
      _ = try await s.tmux.waitFor { $0.contains("\(value)▏") && $0.contains("Enter: fix") }
      try s.tmux.send("Enter")
      let header = try await s.tmux.waitFor { $0.contains("fixed: \(name)=\(value)") }
      #expect(header.contains("fixed: \(name)=\(value)"), "\(header)")
      var fixed: JSONValue?
      #expect(try await waitUntil(30) {
        fixed = try await s.storage.studySystemAttrs(study: s.studyID)["hpotop:fixed_params"]
        return fixed != nil
      })
      #expect(fixed == .object([name: .int(Int(value) ?? 0)]))
      // Trials numbered after the write read the fixed params after their creation.
      let last = try await s.trials().map(\.number).max() ?? -1
      #expect(try await waitUntil(90) {
        try await s.trials().filter { $0.number > last && $0.state == .complete }.count >= 10
      })
      let next = try await s.trials().filter { $0.number > last }.sorted { $0.number < $1.number }.prefix(10)
      #expect(next.count == 10)
      #expect(next.allSatisfy { $0.params[name]?.json.compactJSON == value }, "\(next.map(\.params))")
      #expect(Set(next.compactMap { $0.params["x"] }).count > 1, "x stopped varying")
    }
  }
}

/// One study directory with a shell objective, the dashboard in tmux (`run`, or `watch` over two
/// `hpotop worker` processes), and the SQLite storage the test reads.
final class DashboardSession {
  /// How the dashboard is attached to the study.
  enum Mode: String, Sendable, CustomStringConvertible {
    case run, watch
    var description: String { rawValue }
  }

  let dir: String
  let tmux: Tmux
  let storage: SQLiteStorage
  let studyID: Int64
  let workers: [Process]

  var controls: StudyControls { StudyControls(storage: storage, studyID: studyID) }

  private init(dir: String, tmux: Tmux, storage: SQLiteStorage, studyID: Int64, workers: [Process]) {
    self.dir = dir
    self.tmux = tmux
    self.storage = storage
    self.studyID = studyID
    self.workers = workers
  }

  /// Writes the study (x float, n int, opt categorical; each trial sleeps `sleep` seconds and
  /// writes its PID to `<trial dir>/pid`) and opens the dashboard on it in a 160×45 tmux session.
  static func start(_ label: String, sleep: String, parallelism: Int, mode: Mode = .run) async throws
    -> DashboardSession
  {
    let dir = try Binary.temporaryDirectory(label)
    try """
      #!/bin/sh
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      sleep "$1"
      echo "[hpotop] loss=0.$HPOTOP_TRIAL_NUMBER"
      """.write(toFile: dir + "/objective.sh", atomically: true, encoding: .utf8)
    chmod(dir + "/objective.sh", 0o755)
    try """
      name: steer
      metric: {name: loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
        n: {type: int, low: 1, high: 1000}
        opt: {type: categorical, choices: [adam, sgd, rmsprop]}
      sampler: {name: random, seed: 3}
      parallelism: \(parallelism)
      n_trials: 100000
      objective: {command: [./objective.sh, "\(sleep)"]}
      """.write(toFile: dir + "/steer.yaml", atomically: true, encoding: .utf8)
    var workers: [Process] = []
    let command: String
    switch mode {
    case .run:
      command = "\(Binary.path) run steer.yaml --poll 0.25"
    case .watch:
      let created = try await Binary.run(
        ["create-study", "--direction", "minimize", "--storage", "sqlite:///steer.db", "--study-name", "steer"],
        in: dir)
      #expect(created.status == 0, "\(created.stderr)")
      for i in 0..<parallelism {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["worker", "steer.yaml", "--workers", "1"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        FileManager.default.createFile(atPath: dir + "/worker\(i).log", contents: nil)
        let log = FileHandle(forWritingAtPath: dir + "/worker\(i).log")
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = log
        p.standardError = log
        try p.run()
        workers.append(p)
      }
      command = "\(Binary.path) watch sqlite:///\(dir)/steer.db --study steer --poll 0.25"
    }
    let tmux = try Tmux.start(
      "cd \(dir) && \(command); echo EXIT=$? > \(dir)/done; sleep 60", width: 160, height: 45)
    // The storage is opened once the binary has created it.
    var opened: (SQLiteStorage, Int64)?
    let deadline = Date().addingTimeInterval(60)
    var lastTry = false
    while opened == nil && !lastTry {
      lastTry = Date() >= deadline  // one try after the deadline, should the test process stall
      if FileManager.default.fileExists(atPath: dir + "/steer.db"),
        let storage = try? SQLiteStorage(path: dir + "/steer.db"),
        let id = try? await storage.studyID(named: "steer")
      {
        opened = (storage, id)
      } else {
        try await Task.sleep(for: .milliseconds(200))
      }
    }
    guard let (storage, id) = opened else {
      let screen = (try? tmux.capture()) ?? ""
      tmux.kill()
      for p in workers { p.interrupt() }
      throw SessionError("the study was not created within 60 s:\n\(screen)")
    }
    return DashboardSession(dir: dir, tmux: tmux, storage: storage, studyID: id, workers: workers)
  }

  /// Runs `body`, then quits the dashboard (checking it exits 0) and cleans up, also on errors.
  func closing(_ body: () async throws -> Void) async throws {
    do {
      try await body()
    } catch {
      await close()
      throw error
    }
    await close()
  }

  private func close() async {
    try? await escape()
    try? await tmux.quitDashboard()
    var done = ""
    let deadline = Date().addingTimeInterval(30)
    while !done.contains("EXIT=") && Date() < deadline {
      try? await Task.sleep(for: .milliseconds(200))
      done = (try? String(contentsOfFile: dir + "/done", encoding: .utf8)) ?? ""
    }
    #expect(done.contains("EXIT=0"), "the dashboard did not quit cleanly: \(done)\n\(screen)")
    for p in workers where p.isRunning { p.interrupt() }
    for p in workers { _ = await Binary.waitForExit(p) }
    // Objective processes left behind (each is its own process group) are ended by their id.
    let trialsDir = (Binary.trialFolder(dir, 0) as NSString).deletingLastPathComponent
    for n in (try? FileManager.default.contentsOfDirectory(atPath: trialsDir)) ?? [] {
      if let text = try? String(contentsOfFile: "\(trialsDir)/\(n)/pid", encoding: .utf8),
        let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1, kill(pid, 0) == 0
      {
        kill(-pid, SIGKILL)
      }
    }
    tmux.kill()
    try? FileManager.default.removeItem(atPath: dir)
  }

  /// The study's trials by number, read from storage.
  func trials() async throws -> [FrozenTrial] {
    try await storage.trials(study: studyID, filter: .all).sorted { $0.number < $1.number }
  }

  /// The screen now (for failure messages).
  var screen: String { (try? tmux.capture()) ?? "(no screen)" }

  func pidFile(_ number: Int) -> String { Binary.trialFolder(dir, number) + "/pid" }

  func pid(of number: Int) throws -> pid_t {
    let text = try String(contentsOfFile: pidFile(number), encoding: .utf8)
    guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
      throw SessionError("no PID in \(pidFile(number)): \(text)")
    }
    return pid
  }

  /// Types text literally (no key-name lookup).
  func type(_ text: String) throws { try tmux.send("-l", text) }

  /// Esc alone: a pause after it keeps the next key from reading as Alt-key.
  func escape() async throws {
    try tmux.send("Escape")
    try await Task.sleep(for: .milliseconds(400))
  }

  /// Filters the table with `/`.
  func filter(_ text: String) throws {
    try tmux.send("/")
    try type(text)
    try tmux.send("Enter")
  }

  /// The table row of trial `number` on a screen (the table is the left pane).
  func row(_ number: Int, in screen: String) -> String? {
    screen.split(separator: "\n").map(String.init).first { line in
      line.range(of: #"^│ *\#(number) "#, options: .regularExpression) != nil
    }
  }

  /// The `name = value` entries of the fix/unfix picker on a screen, in order.
  static func pickerEntries(_ screen: String) -> [(name: String, value: String)] {
    let lines = screen.split(separator: "\n").map(String.init)
    guard let top = lines.firstIndex(where: { $0.contains("Fix which param?") }) else { return [] }
    var out: [(String, String)] = []
    for line in lines[(top + 1)...] {
      let entry = #"│ ?([A-Za-z_][A-Za-z0-9_]*) = ([^ │]+) *│"#
      guard let r = line.range(of: entry, options: .regularExpression) else { break }
      let inner = line[r].dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
      let parts = inner.components(separatedBy: " = ")
      guard parts.count == 2 else { break }
      out.append((parts[0], parts[1]))
    }
    return out
  }
}

/// Why a tmux session could not be set up.
struct SessionError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}
