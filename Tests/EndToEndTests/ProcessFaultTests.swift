import Foundation
import HPO
import HPOSQLite
import Testing

extension Tag {
  /// Tests that take a minute or more; they run once per `swift test`.
  @Tag static var slow: Tag
}

/// Issue 15 (processes, files, signals) with the real binary: workers killed with SIGKILL while
/// their objectives (and `setsid` grandchildren) run, a full disk under the trial logs, a closed
/// log pipe, a terminal hpotop cannot drive, trial folders of two studies side by side.
@Suite(.serialized) struct ProcessFaultTests {
  /// Live processes (not zombies) whose environment names a trial folder under `dir`: every
  /// objective and descendant of this test's trials, whatever its session or parent.
  static func trialProcesses(under dir: String) -> [Int32] {
    let me = getpid()
    return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
      guard let pid = Int32(entry), pid != me,
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        stat.split(separator: ")").last?.split(separator: " ").first != "Z",
        let env = FileHandle(forReadingAtPath: "/proc/\(pid)/environ").flatMap({ h in
          defer { try? h.close() }
          return try? h.readToEnd()
        })
      else { return nil }
      let named = env.split(separator: 0).contains { field in
        String(decoding: field, as: UTF8.self).hasPrefix("HPOTOP_TRIAL_DIR=\(dir)/")
      }
      return named ? pid : nil
    }
  }

  /// Kills, by id, whatever a failed test left behind.
  static func cleanUp(_ dir: String) {
    for pid in trialProcesses(under: dir) { kill(pid, SIGKILL) }
  }

  static func readPID(_ path: String) -> Int32? {
    (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  }

  /// The objective of these tests: records its pid, starts a grandchild in a new session that
  /// records its own, then sleeps `seconds` (or forever) and reports.
  static func sleeper(_ seconds: String) -> String {
    """
    echo $$ > "$HPOTOP_TRIAL_DIR/pid"
    setsid sh -c 'echo $$ > "$HPOTOP_TRIAL_DIR/escaped.pid"; exec sleep 600' &
    sleep \(seconds)
    echo "[hpotop] loss=$HPOTOP_TRIAL_NUMBER"
    """
  }

  /// Issue 15, done-when 3: `kill -9` of a worker with 4 running command objectives, each with
  /// a `setsid` grandchild, leaves no process of its trials within 2 s.
  @Test func killNineOfAWorkerLeavesNoObjectiveWithinTwoSeconds() async throws {
    let dir = try Binary.temporaryDirectory("kill9-four")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "k", nTrials: 8, parallelism: 4, script: Self.sleeper("600"))
    let (worker, _, err) = try Binary.start(["worker", "k.yaml"], in: dir)
    let allUp = try await waitUntil(60) {
      (0..<4).allSatisfy { FileManager.default.fileExists(atPath: Binary.trialFolder(dir, $0) + "/escaped.pid") }
    }
    let before = Self.trialProcesses(under: dir)
    kill(worker.processIdentifier, SIGKILL)
    _ = await Binary.waitForExit(worker)
    let said = String(decoding: await Binary.readToEnd(err.fileHandleForReading), as: UTF8.self)
    try #require(allUp, "four trials never ran: \(said.suffix(800))")
    #expect(before.count >= 8, "objectives and grandchildren seen before the kill: \(before)")
    let gone = try await waitUntil(2) { Self.trialProcesses(under: dir).isEmpty }
    #expect(gone, "left running 2 s after kill -9 of the worker: \(Self.trialProcesses(under: dir))")
  }

  /// While the worker lives, no trial of it is killed: trials that run longer than the
  /// supervisor's own thread would live, on a worker whose pool threads come and go.
  @Test func noTrialDiesWhileItsWorkerLives() async throws {
    let dir = try Binary.temporaryDirectory("alive")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "a", nTrials: 12, parallelism: 4, script: """
      i=0
      while [ $i -lt 6 ]; do echo "[hpotop] step=$i loss=$i"; i=$((i+1)); sleep 0.25; done
      echo "[hpotop] loss=1"
      """)
    let out = try await Binary.run(["worker", "a.yaml"], in: dir)
    #expect(out.status == 0, "\(out.stderr.suffix(600))")
    let trials = try await Study.load(name: "a", storage: try SQLiteStorage(path: dir + "/a.db")).trials()
    #expect(trials.count == 12)
    #expect(trials.allSatisfy { $0.state == .complete }, "\(trials.map { ($0.number, $0.state, $0.systemAttrs) })")
    #expect(Self.trialProcesses(under: dir).isEmpty)
  }

  /// A worker that has run trials for over a minute (supervisors started and ended many times,
  /// threads come and gone) is killed with SIGKILL: nothing of its trials is left, and no trial
  /// failed while it lived.
  @Test(.tags(.slow)) func aWorkerKilledAfterAMinuteOfTrialsLeavesNothing() async throws {
    let dir = try Binary.temporaryDirectory("kill9-minute")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "m", nTrials: 100_000, parallelism: 4, script: Self.sleeper("1.5"))
    let (worker, _, err) = try Binary.start(["worker", "m.yaml"], in: dir)
    try await Task.sleep(for: .seconds(62))
    let before = Self.trialProcesses(under: dir)
    kill(worker.processIdentifier, SIGKILL)
    _ = await Binary.waitForExit(worker)
    let said = String(decoding: await Binary.readToEnd(err.fileHandleForReading), as: UTF8.self)
    #expect(!before.isEmpty, "no trial was running at the kill: \(said.suffix(800))")
    let gone = try await waitUntil(2) { Self.trialProcesses(under: dir).isEmpty }
    #expect(gone, "left running 2 s after kill -9 of the worker: \(Self.trialProcesses(under: dir))")
    let trials = try await Study.load(name: "m", storage: try SQLiteStorage(path: dir + "/m.db")).trials()
    let finished = trials.filter { $0.state != .running }
    #expect(finished.count >= 80, "only \(finished.count) trials finished in a minute")
    #expect(finished.allSatisfy { $0.state == .complete },
            "\(finished.filter { $0.state != .complete }.map { ($0.number, $0.systemAttrs["hpotop:fail_reason"]) })")
  }

  /// A supervisor killed with SIGKILL cannot clean up: its objective dies with it (parent-death
  /// signal) but a `setsid` grandchild lives on. The next worker of the study finds it by the
  /// tag in its environment and stops it.
  @Test func theNextWorkerStopsLeftoversOfAKilledSupervisor() async throws {
    let dir = try Binary.temporaryDirectory("leftover")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "l", nTrials: 1, script: Self.sleeper("600"))
    let (worker, _, _) = try Binary.start(["worker", "l.yaml"], in: dir)
    let escapedFile = { Binary.trialFolder(dir, 0) + "/escaped.pid" }
    #expect(try await waitUntil(60) { Self.readPID(escapedFile()) != nil })
    let escaped = try #require(Self.readPID(escapedFile()))
    let env = try #require(try FileHandle(forReadingAtPath: "/proc/\(escaped)/environ")?.readToEnd())
    let tag = try #require(env.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      .first { $0.hasPrefix("HPOTOP_SUPERVISOR=") })
    let supervisor = try #require(Int32(tag.dropFirst("HPOTOP_SUPERVISOR=".count).split(separator: ":")[0]))
    kill(supervisor, SIGKILL)
    kill(worker.processIdentifier, SIGKILL)
    _ = await Binary.waitForExit(worker)
    // The objective died with its supervisor; its children (the escaped one, and the `sleep`
    // its shell had started) are re-parented to init and live on.
    try await Task.sleep(for: .milliseconds(500))
    let left = Self.trialProcesses(under: dir)
    #expect(left.contains(escaped), "the escaped grandchild should be left: \(left)")
    try writeStudy(dir, name: "l", nTrials: 1, script: "echo '[hpotop] loss=1'\n")
    let next = try await Binary.run(["worker", "l.yaml"], in: dir)
    #expect(next.status == 0, "\(next.stderr.suffix(600))")
    #expect(next.stderr.contains("left by an earlier worker's trials (pids ") && next.stderr.contains("\(escaped)"),
            "\(next.stderr.suffix(600))")
    #expect(try await waitUntil(2) { Self.trialProcesses(under: dir).isEmpty })
  }

  /// Issue 15, item 1: the trial logs are on a 3 MiB tmpfs and every trial prints 600 kB. The
  /// trials whose log cannot be written FAIL with the reason; the run ends cleanly (exit 0),
  /// with no trial RUNNING. Needs root (mount); says so loudly otherwise.
  @Test func aFullDiskUnderTheTrialLogsFailsTrialsNotTheRun() async throws {
    let dir = try Binary.temporaryDirectory("enospc")
    let disk = dir + "/disk"
    try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
    let mount = try await Self.shell(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", disk])
    guard mount == 0 else {
      print("⚠️⚠️⚠️ SKIPPING the full-disk test: cannot mount a tmpfs here (needs root; mount exit \(mount)).")
      try? FileManager.default.removeItem(atPath: dir)
      return
    }
    defer {
      Self.cleanUp(disk)
      _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", disk]).waitUntilExit()
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(disk, name: "full", nTrials: 8, parallelism: 2, script: """
      head -c 600000 /dev/zero | tr '\\000' 'a'
      echo
      echo "[hpotop] loss=$HPOTOP_TRIAL_NUMBER"
      """, extra: "storage: sqlite:///\(dir)/full.db")
    let out = try await Binary.run(["worker", disk + "/full.yaml"], in: dir)
    #expect(out.status == 0, "exit \(out.status): \(out.stderr.suffix(800))")
    let trials = try await Study.load(name: "full", storage: try SQLiteStorage(path: dir + "/full.db")).trials()
    #expect(trials.count == 8)
    #expect(!trials.contains { $0.state == .running })
    let failed = trials.filter { $0.state == .fail }
    #expect(!failed.isEmpty, "3 MiB cannot hold 8 × 600 kB of logs")
    #expect(failed.allSatisfy { ($0.systemAttrs["hpotop:fail_reason"]?.stringValue ?? "").contains("No space left on device") },
            "\(failed.map { $0.systemAttrs["hpotop:fail_reason"] })")
    #expect(trials.contains { $0.state == .complete }, "the first trials fit on the disk")
  }

  /// Issue 15, item 7: `hpotop worker … 2>&1 | head -1`. The log pipe closes after one line; the
  /// worker goes on, finishes the study, and exits 0 with no trial RUNNING.
  @Test func aClosedLogPipeDoesNotStopTheRun() async throws {
    let dir = try Binary.temporaryDirectory("sigpipe")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "p", nTrials: 6, script: "sleep 0.2\necho \"[hpotop] loss=$HPOTOP_TRIAL_NUMBER\"\n")
    let status = try await Self.shell(["/bin/bash", "-c", "\(Binary.path) worker p.yaml 2>&1 | head -1 > head.out; exit ${PIPESTATUS[0]}"],
                                      in: dir)
    #expect(status == 0, "the worker exited \(status) (141 is SIGPIPE)")
    let trials = try await Study.load(name: "p", storage: try SQLiteStorage(path: dir + "/p.db")).trials()
    #expect(trials.count == 6)
    #expect(trials.allSatisfy { $0.state == .complete }, "\(trials.map { ($0.number, $0.state) })")
    #expect(((try? String(contentsOfFile: dir + "/head.out", encoding: .utf8)) ?? "").contains("Study 'p'"))
  }

  /// Issue 15, items 8 and 9: two studies beside one another keep their own trial folders, and
  /// `HPOTOP_TRIAL_DIR` is absolute, so it is right when `objective.cwd` is set elsewhere.
  @Test func twoStudiesInOneFolderKeepTheirOwnTrialFolders() async throws {
    let dir = try Binary.temporaryDirectory("folders")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/work", withIntermediateDirectories: true)
    try ("#!/bin/sh\necho \"dir=$HPOTOP_TRIAL_DIR study=$HPOTOP_STUDY_NAME\"\n"
      + "echo ok > \"$HPOTOP_TRIAL_DIR/mark\"\necho \"[hpotop] loss=1\"\n")
      .write(toFile: dir + "/objective.sh", atomically: true, encoding: .utf8)
    chmod(dir + "/objective.sh", 0o755)
    for name in ["one", "two"] {
      try """
        name: \(name)
        params: {x: {type: float, low: 0, high: 1}}
        n_trials: 2
        objective: {command: [../objective.sh], cwd: work, args: ""}
        """.write(toFile: "\(dir)/\(name).yaml", atomically: true, encoding: .utf8)
      let out = try await Binary.run(["worker", "\(name).yaml"], in: dir)
      #expect(out.status == 0, "\(out.stderr.suffix(600))")
    }
    let folders = try FileManager.default.contentsOfDirectory(atPath: dir + "/trials").sorted()
    #expect(folders.count == 2 && folders[0].hasPrefix("one-") && folders[1].hasPrefix("two-"), "\(folders)")
    for (folder, name) in zip(folders, ["one", "two"]) {
      let log = try String(contentsOfFile: "\(dir)/trials/\(folder)/0/stdout.log", encoding: .utf8)
      #expect(log.contains("dir=\(dir)/trials/\(folder)/0 study=\(name)"), "\(log)")
      #expect(FileManager.default.fileExists(atPath: "\(dir)/trials/\(folder)/0/mark"))
      let trials = try await Study.load(name: name, storage: try SQLiteStorage(path: "\(dir)/\(name).db")).trials()
      #expect(trials.first?.systemAttrs[HpotopKey.trialDirectory.rawValue] == .string("\(dir)/trials/\(folder)/0"))
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/work/trials"))
  }

  /// Issue 15, item 6: `run` on a terminal whose TERM is unset, unknown or dumb runs headless
  /// with a note, completes its trials and leaves none RUNNING.
  @Test(arguments: ["unset", "no-such-terminal", "dumb"])
  func runWithoutAUsableTerminalRunsHeadless(_ term: String) async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("term-\(term)")
    defer {
      Self.cleanUp(dir)
      try? FileManager.default.removeItem(atPath: dir)
    }
    try writeStudy(dir, name: "t", nTrials: 3, script: "echo \"[hpotop] loss=$HPOTOP_TRIAL_NUMBER\"\n")
    let env = term == "unset" ? "env -u TERM" : "env TERM=\(term)"
    let tmux = try Tmux.start("cd \(dir) && \(env) \(Binary.path) run t.yaml 2> err.log; echo EXIT=$? > done; sleep 60")
    defer { tmux.kill() }
    #expect(try await waitUntil(60) { FileManager.default.fileExists(atPath: dir + "/done") })
    let done = (try? String(contentsOfFile: dir + "/done", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: dir + "/err.log", encoding: .utf8)) ?? ""
    #expect(done.contains("EXIT=0"), "\(done) \(err.suffix(800))")
    #expect(err.contains("running headless"), "\(err.suffix(800))")
    #expect(!err.contains("CONTINUATION MISUSE"))
    let trials = try await Study.load(name: "t", storage: try SQLiteStorage(path: dir + "/t.db")).trials()
    #expect(trials.count == 3 && trials.allSatisfy { $0.state == .complete }, "\(trials.map(\.state))")
  }

  /// Runs a program to the end (`argv[0]` an absolute path, else looked up by `env`); its exit status.
  static func shell(_ argv: [String], in dir: String? = nil) async throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
    p.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
    if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return await Binary.waitForExit(p)
  }
}
