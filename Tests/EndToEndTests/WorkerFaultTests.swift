import Foundation
import HPO
import HPOSQLite
import Testing

/// Real `hpotop worker` processes running real subprocess trials, killed and interrupted.
@Suite(.serialized) struct WorkerFaultTests {
  func alive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
  }

  @Test func aWorkerKilledMidTrialLeavesItsTrialStaleAndTheStudyGoesOn() async throws {
    let dir = try Binary.temporaryDirectory("kill9")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeStudy(dir, name: "k", nTrials: 4, script: """
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      if [ "$HPOTOP_TRIAL_NUMBER" = 0 ]; then sleep 600; fi
      echo "[hpotop] loss=$HPOTOP_TRIAL_NUMBER"
      """)
    let (victim, _, victimErr) = try Binary.start(
      ["worker", "k.yaml", "--heartbeat-interval", "0.3", "--stale-grace", "1.5"], in: dir)
    let trialPID = { Binary.trialFolder(dir, 0) + "/pid" }
    func stopTrialProcess() {
      if let pid = Int32((try? String(contentsOfFile: trialPID(), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
      }
    }
    let started = try await waitUntil(60) { FileManager.default.fileExists(atPath: trialPID()) }
    kill(victim.processIdentifier, SIGKILL)
    _ = await Binary.waitForExit(victim)
    // The killed worker could not stop its trial's process (SIGKILL gives it no chance); the
    // test stops it (trial 0 sleeps far longer than the test waits), which also closes the
    // worker's stderr that the trial inherited, so it can be read to its end.
    stopTrialProcess()
    let said = String(decoding: await Binary.readToEnd(victimErr.fileHandleForReading), as: UTF8.self)
    try #require(started, "trial 0 never started; the worker said: \(said.suffix(1500))")
    let survivor = try await Binary.run(
      ["worker", "k.yaml", "--heartbeat-interval", "0.3", "--stale-grace", "1.5"], in: dir)
    #expect(survivor.status == 0, "\(survivor.stderr.suffix(400))")
    let storage = try SQLiteStorage(path: dir + "/k.db")
    let trials = try await Study.load(name: "k", storage: storage).trials()
    let killed = try #require(trials.first { $0.number == 0 })
    #expect(killed.state == .fail)
    #expect(killed.systemAttrs["hpotop:fail_reason"] == .string("stale"))
    #expect(trials.filter { $0.state == .complete }.count == 3)
  }

  /// Ctrl-C, `kill`, or the SSH session hanging up.
  @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
  func aSignalStopsTrialsRecordsThemAndTheNextRunResumes(_ sig: Int32) async throws {
    let dir = try Binary.temporaryDirectory("signal\(sig)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeStudy(dir, name: "c", nTrials: 3, script: """
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      if [ ! -f "$HPOTOP_TRIAL_DIR/../../../resumed" ]; then sleep 60; fi
      echo "[hpotop] loss=1"
      """)
    let (run, out, err) = try Binary.start(["run", "c.yaml", "--no-tui"], in: dir)
    let trialPID = { Binary.trialFolder(dir, 0) + "/pid" }
    func stopTrialProcess() {
      if let pid = Int32((try? String(contentsOfFile: trialPID(), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
      }
    }
    #expect(try await waitUntil(30) { FileManager.default.fileExists(atPath: trialPID()) })
    let pid = Int32(try String(contentsOfFile: trialPID(), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    kill(run.processIdentifier, sig)
    let stderr = String(decoding: await Binary.readToEnd(err.fileHandleForReading), as: UTF8.self)
    _ = await Binary.readToEnd(out.fileHandleForReading)
    let status = await Binary.waitForExit(run)
    #expect(status == 128 + sig, "\(stderr.suffix(400))")
    #expect(stderr.contains("Interrupted"))
    #expect(try await waitUntil(5) { !alive(pid) }, "the trial's process outlived signal \(sig)")
    let storage = try SQLiteStorage(path: dir + "/c.db")
    var trials = try await Study.load(name: "c", storage: storage).trials()
    let interrupted = try #require(trials.first { $0.number == 0 })
    #expect(interrupted.state == .fail)
    #expect(interrupted.systemAttrs["hpotop:fail_reason"] == .string("interrupted"))
    let requeued = try #require(trials.first { $0.systemAttrs["failed_trial"] == .int(0) })
    #expect(requeued.state == .waiting)
    #expect(requeued.params == interrupted.params)
    // Resume: the same command runs the re-queued config first and completes the study.
    FileManager.default.createFile(atPath: dir + "/resumed", contents: nil)
    let again = try await Binary.run(["run", "c.yaml", "--no-tui"], in: dir)
    #expect(again.status == 0, "\(again.stderr.suffix(400))")
    trials = try await Study.load(name: "c", storage: storage).trials()
    #expect(trials.first { $0.id == requeued.id }?.state == .complete)
  }

  /// A second Ctrl-C while the first waits for a trial that ignores SIGTERM exits at once, and
  /// says that the running trial is left to go stale.
  @Test func aSecondCtrlCExitsAtOnce() async throws {
    let dir = try Binary.temporaryDirectory("sigint2")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // The trap is set before the pid file tells the test to press Ctrl-C (after it, a SIGTERM
    // could land before the trap and end the trial).
    try writeStudy(dir, name: "s", nTrials: 1, script: """
      trap 'echo > "$HPOTOP_TRIAL_DIR/term"' TERM
      grep Sig /proc/$$/status > "$HPOTOP_TRIAL_DIR/signals"
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      while :; do sleep 0.2; done
      """)
    let (run, out, err) = try Binary.start(["run", "s.yaml", "--no-tui"], in: dir)
    let trialPID = { Binary.trialFolder(dir, 0) + "/pid" }
    func stopTrialProcess() {
      if let pid = Int32((try? String(contentsOfFile: trialPID(), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
      }
    }
    #expect(try await waitUntil(30) { FileManager.default.fileExists(atPath: trialPID()) })
    let pid = Int32(try String(contentsOfFile: trialPID(), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    defer { kill(-pid, SIGKILL) }
    kill(run.processIdentifier, SIGINT)
    // The run asked the trial to stop; the trial ignores it. The user presses Ctrl-C again.
    #expect(try await waitUntil(30) { FileManager.default.fileExists(atPath: Binary.trialFolder(dir, 0) + "/term") },
            "the trial got no SIGTERM it could trap: \((try? String(contentsOfFile: Binary.trialFolder(dir, 0) + "/signals", encoding: .utf8)) ?? "")")
    kill(run.processIdentifier, SIGINT)
    let stderr = String(decoding: await Binary.readToEnd(err.fileHandleForReading), as: UTF8.self)
    _ = await Binary.readToEnd(out.fileHandleForReading)
    let status = await Binary.waitForExit(run)
    #expect(status == 130, "\(stderr.suffix(400))")
    #expect(stderr.contains("Stopping at once"), "\(stderr.suffix(400))")
    let trials = try await Study.load(name: "s", storage: try SQLiteStorage(path: dir + "/s.db")).trials()
    #expect(trials.map(\.state) == [.running], "the trial is left for its heartbeat to go stale")
  }

  @Test func fourWorkersRunSubprocessTrialsWithoutDuplicates() async throws {
    let dir = try Binary.temporaryDirectory("four")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeStudy(dir, name: "w", nTrials: 400, script: "echo \"[hpotop] loss=$HPOTOP_TRIAL_NUMBER\"\n")
    let outputs = try await withThrowingTaskGroup(of: Binary.Output.self) { group in
      for _ in 0..<4 { group.addTask { try await Binary.run(["worker", "w.yaml"], in: dir) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for o in outputs { #expect(o.status == 0 && !o.stderr.contains("error"), "\(o.stderr.suffix(400))") }
    let trials = try await Study.load(name: "w", storage: try SQLiteStorage(path: dir + "/w.db")).trials()
    #expect(trials.count == 400)
    #expect(Set(trials.map(\.number)).count == 400)
    #expect(trials.allSatisfy { $0.state == .complete && $0.value == Double($0.number) })
  }
}
