import Foundation
import HPO
import HPOSQLite
import Testing

/// `hpotop run` with the dashboard when its terminal goes away (SIGHUP: the SSH connection or
/// the tmux session closes) or it is told to stop (SIGTERM): the running objective's process is
/// stopped, its trial is FAIL "interrupted" with a WAITING retry, and hpotop exits.
@Suite(.serialized) struct DashboardSignalTests {
  enum Stop: String, Sendable, CustomStringConvertible {
    /// `tmux kill-session`: the terminal hangs up; hpotop is the session leader (pane process).
    case hangUp
    /// SIGTERM to hpotop's PID; the shell around it records the exit status.
    case terminate
    var description: String { rawValue }
  }

  @Test(arguments: [Stop.hangUp, .terminate])
  func signalStopsTheObjectiveAndQueuesItsTrialAgain(stop: Stop) async throws {
    guard Tmux.available else { return }
    let dir = try Binary.temporaryDirectory("tmux-signal-\(stop)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try """
      #!/bin/sh
      echo $$ > "$HPOTOP_TRIAL_DIR/pid"
      sleep 600
      echo "[hpotop] loss=1"
      """.write(toFile: dir + "/objective.sh", atomically: true, encoding: .utf8)
    chmod(dir + "/objective.sh", 0o755)
    try """
      name: sig
      metric: {name: loss, direction: minimize}
      params:
        x: {type: float, low: 0, high: 1}
      sampler: {name: random, seed: 1}
      parallelism: 1
      n_trials: 5
      objective: {command: [./objective.sh]}
      """.write(toFile: dir + "/sig.yaml", atomically: true, encoding: .utf8)
    // The inner shell writes its PID, then becomes hpotop.
    let hpotop = "sh -c \"echo \\$\\$ > hpotop.pid; exec \(Binary.path) run sig.yaml --poll 0.25\""
    let command = stop == .hangUp
      ? "cd \(dir) && exec \(hpotop)"
      : "cd \(dir) && \(hpotop); echo EXIT=$? > \(dir)/done; sleep 60"
    let tmux = try Tmux.start(command, width: 140, height: 40)
    var objectivePID: pid_t = 0
    var hpotopPID: pid_t = 0
    defer {
      // Whatever the outcome, leave no process behind (each by its id).
      if objectivePID > 1, !Self.gone(objectivePID) { kill(-objectivePID, SIGKILL) }
      if hpotopPID > 1, !Self.gone(hpotopPID) { kill(hpotopPID, SIGKILL) }
      tmux.kill()
    }

    // The study runs its first trial; its objective process is up.
    var storage: SQLiteStorage?
    var studyID: Int64 = 0
    var running: FrozenTrial?
    let started = try await waitUntil(60) {
      if storage == nil, FileManager.default.fileExists(atPath: dir + "/sig.db"),
        let s = try? SQLiteStorage(path: dir + "/sig.db"), let id = try? await s.studyID(named: "sig")
      {
        storage = s
        studyID = id
      }
      guard let storage else { return false }
      running = try await storage.trials(study: studyID, filter: .all).first { $0.state == .running }
      guard let t = running else { return false }
      objectivePID = Self.readPID(Binary.trialFolder(dir, t.number) + "/pid") ?? 0
      hpotopPID = Self.readPID(dir + "/hpotop.pid") ?? 0
      return objectivePID > 1 && hpotopPID > 1
    }
    let screen = (try? tmux.capture()) ?? ""
    try #require(started, "no trial started:\n\(screen)")
    let db = try #require(storage)
    let trial = try #require(running)
    _ = try await tmux.waitFor { $0.contains(" RUNNING ") }

    switch stop {
    case .hangUp: tmux.kill()
    case .terminate: kill(hpotopPID, SIGTERM)
    }

    #expect(try await waitUntil(60) { Self.gone(objectivePID) },
            "the objective process \(objectivePID) still runs")
    #expect(try await waitUntil(60) { Self.gone(hpotopPID) }, "hpotop \(hpotopPID) did not exit")
    let after = try await db.trial(id: trial.id)
    #expect(after.state == .fail)
    #expect(after.systemAttrs["hpotop:fail_reason"] == .string("interrupted"))
    let all = try await db.trials(study: studyID, filter: .all)
    let retries = all.filter { $0.state == .waiting && $0.systemAttrs["failed_trial"] == .int(trial.number) }
    #expect(retries.count == 1, "\(all.map { ($0.number, $0.state, $0.systemAttrs) })")
    #expect(retries.first?.params == trial.params)
    #expect(!all.contains { $0.state == .running }, "a trial is still RUNNING")

    if stop == .terminate {
      // The shell around hpotop records its status; the screen is the shell's again.
      var done = ""
      _ = try await waitUntil(30) {
        done = (try? String(contentsOfFile: dir + "/done", encoding: .utf8)) ?? ""
        return done.contains("EXIT=")
      }
      #expect(done.contains("EXIT=143"), "\(done)")
      let restored = try await tmux.waitFor { $0.contains("Interrupted: running trials") }
      #expect(restored.contains("Interrupted: running trials"), "\(restored)")
      #expect(!restored.contains("Trials ("), "the dashboard is still on screen:\n\(restored)")
    }
  }

  /// Whether a process has exited: no such process, or a zombie its parent has not reaped yet
  /// (hpotop's parent is the tmux server).
  static func gone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
  }

  static func readPID(_ path: String) -> pid_t? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1
    else { return nil }
    return pid
  }

}
