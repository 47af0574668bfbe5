import Foundation
@testable import HPO
import OrderedCollections
import Testing

/// Real subprocess trials: every failure mode of issue 6 with real programs, and no process left.
@Suite(.serialized) final class CommandObjectiveTests {
  let dir: String

  deinit { try? FileManager.default.removeItem(atPath: dir) }

  init() throws {
    dir = NSTemporaryDirectory() + "hpotop-cmd-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  }

  /// The built hpotop executable, whose `__supervise` mode runs every command trial (this test
  /// process is not hpotop, so the runner is told where it is).
  static let supervisor: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for candidate in [".build/debug/hpotop", ".build/x86_64-unknown-linux-gnu/debug/hpotop"] {
      let p = root.appendingPathComponent(candidate).path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return root.appendingPathComponent(".build/debug/hpotop").path
  }()

  /// Runs one trial of a shell script with param x and returns the finished trial.
  func runTrial(
    _ script: String, metricNames: [String] = ["loss"], timeout: TimeInterval? = nil, logLimit: Int? = 64 << 20,
    params: OrderedDictionary<String, ParamValue> = ["x": .float(0.5)],
    directions: [StudyDirection] = [.minimize], during: (@Sendable (Study, Int64) async throws -> Void)? = nil
  ) async throws -> FrozenTrial {
    let path = dir + "/script-\(UUID().uuidString).sh"
    try Data(("#!/bin/sh\n" + script).utf8).write(to: URL(fileURLWithPath: path))
    chmod(path, 0o755)
    let storage = InMemoryStorage()
    let study = try await Study.create(name: "cmd", directions: directions, storage: storage)
    // Run through /bin/sh, not by exec'ing the script just written: a process forked at that
    // moment by another test holds a copy of the write descriptor, and exec fails "Text file busy".
    let objective = CommandObjective(
      argv: ["/bin/sh", path], timeout: timeout, killGrace: 1, trialsDirectory: dir + "/trials", metricNames: metricNames,
      pollInterval: 0.2, logLimit: logLimit, supervisorExecutable: Self.supervisor)
    try #require(FileManager.default.isExecutableFile(atPath: Self.supervisor), "build hpotop first: \(Self.supervisor)")
    try await study.enqueue(params: params)
    var t = try await study.ask()
    for (k, v) in params {
      switch v {
      case .float(let d): _ = try await t.suggestFloat(k, min(d, 0), max(d, 1))
      case .string(let s): _ = try await t.suggestCategorical(k, [s, "other"])
      default: break
      }
    }
    let trialID = t.id
    let side = Task { if let during { try await during(study, trialID) } }
    let finished = try await study.run(&t) { trial in try await objective.run(trial, params: trial.params) }
    try await side.value
    return finished
  }

  /// The processes among `pids` still alive (not gone, not a zombie) after waiting up to 5 s for
  /// a SIGKILL to take effect.
  func pidsStillRunning(_ pids: [Int32]) async -> [Int32] {
    var alive = pidsAlive(pids)
    var waited = 0
    while !alive.isEmpty && waited < 50 {
      try? await Task.sleep(for: .milliseconds(100))
      waited += 1
      alive = pidsAlive(pids)
    }
    return alive
  }

  func pidsAlive(_ pids: [Int32]) -> [Int32] {
    pids.filter { pid in
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
      let state = stat.split(separator: ")").last?.split(separator: " ").first
      return state != "Z"
    }
  }

  @Test func reportsIntermediateAndFinalValues() async throws {
    let t = try await runTrial(
      """
      echo "starting with $HPOTOP_PARAMS"
      echo '[hpotop] step=0 loss=0.9'
      echo '[hpotop] {"step": 1, "loss": 0.5}'
      echo '[hpotop] loss=0.25 note=hello'
      """)
    #expect(t.state == .complete)
    #expect(t.value == 0.25)
    #expect(t.intermediateValues == [0: 0.9, 1: 0.5])
    #expect(t.userAttrs["note"] == .string("hello"))
    let log = try String(contentsOfFile: dir + "/trials/0/stdout.log", encoding: .utf8)
    #expect(log.contains("starting with {\"x\": 0.5}"))
    let params = try String(contentsOfFile: dir + "/trials/0/params.json", encoding: .utf8)
    #expect(params == "{\"x\": 0.5}\n")
  }

  @Test func lastIntermediateCountsWhenNoFinalValue() async throws {
    let t = try await runTrial("echo '[hpotop] step=0 loss=3'\necho '[hpotop] step=1 loss=2'\n")
    #expect(t.state == .complete && t.value == 2)
  }

  @Test func nonZeroExitFailsWithStderrTail() async throws {
    let t = try await runTrial("echo 'CUDA out of memory' >&2\nexit 3\n")
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("exited with code 3") == true)
    #expect(t.systemAttrs["hpotop:stderr_tail"]?.stringValue == "CUDA out of memory")
  }

  @Test func failReasonKeepsTheLastStderrLinesWholeWithTheError() async throws {
    // 3 KB of progress then a traceback and more progress: the reason keeps lines whole
    // (no `eepoch 14 doneepoch 15 done`) and the real error.
    let t = try await runTrial("""
      i=0; while [ $i -lt 200 ]; do echo "warming $i" >&2; i=$((i+1)); done
      echo 'Traceback (most recent call last):' >&2
      echo 'RuntimeError: CUDA error: an illegal memory access was encountered' >&2
      i=0; while [ $i -lt 12 ]; do echo "epoch $i done" >&2; echo >&2; i=$((i+1)); done
      exit 1
      """)
    let reason = t.systemAttrs["hpotop:fail_reason"]?.stringValue ?? ""
    let lines = reason.split(separator: "\n").map(String.init)
    #expect(lines.first == "exited with code 1; stderr ends with:", "\(reason)")
    #expect(lines.contains("RuntimeError: CUDA error: an illegal memory access was encountered"), "\(reason)")
    #expect(lines.last == "epoch 11 done")
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("epoch ") || $0.hasPrefix("RuntimeError") }, "\(reason)")
  }

  /// A program that prints its metric without the `[hpotop]` prefix is told which line it was.
  @Test func aReportWithoutItsPrefixIsNamedInTheReason() async throws {
    let t = try await runTrial("echo 'epoch 3'\necho 'epoch 3 val: loss=0.52 acc=0.8'\necho 'loss: 0.4'\n")
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.hasPrefix(
      "exited 0 without reporting loss: it printed 'epoch 3 val: loss=0.52 acc=0.8', which lacks the '[hpotop] ' prefix of a report line ('[hpotop] loss=<value>')") == true,
      "\(t.systemAttrs["hpotop:fail_reason"] ?? .null)")
    #expect(RunMonitor.namesAValue("{\"loss\": -1.5}", names: ["loss"]))
    #expect(RunMonitor.namesAValue("val_loss = .3", names: ["val_loss"]))
    #expect(!RunMonitor.namesAValue("loss of signal: retrying", names: ["loss"]))
    #expect(!RunMonitor.namesAValue("loss: nan", names: ["loss"]))
  }

  @Test func crashBySignalFails() async throws {
    let t = try await runTrial("kill -SEGV $$\n")
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("SIGSEGV") == true)
  }

  @Test func garbageLinesAreIgnoredAndMissingValueFails() async throws {
    let t = try await runTrial("echo '[hpotop] {not json'\necho '[hpotop] step=x loss=1'\nprintf '\\001\\377\\376garbage\\n'\necho 'loss of signal'\n")
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.hasPrefix(
      "exited 0 without reporting loss (a report is a stdout line '[hpotop] loss=<value>')") == true)
    // The two unreadable report lines are counted, with the first one, for the detail view.
    let unreadable = t.systemAttrs[HpotopKey.unreadableReportLines.rawValue]?.objectValue
    #expect(unreadable?["count"] == .int(2))
    #expect(unreadable?["first"] == .string("[hpotop] {not json"))
  }

  @Test func nanFailsAndInfCompletes() async throws {
    let nan = try await runTrial("echo '[hpotop] loss=nan'\n")
    #expect(nan.state == .fail)
    #expect(nan.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("NaN") == true)
    let inf = try await runTrial("echo '[hpotop] loss=inf'\n")
    #expect(inf.state == .complete && inf.value == .infinity)
  }

  @Test func hangTimesOutAndTheGroupIsGone() async throws {
    let t = try await runTrial(
      """
      trap '' TERM
      sleep 30 &
      echo $! > "$HPOTOP_TRIAL_DIR/child.pid"
      echo $$ > "$HPOTOP_TRIAL_DIR/main.pid"
      while true; do sleep 1; done
      """, timeout: 1)
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("timed out") == true)
    let pids = try ["child.pid", "main.pid"].map {
      Int32(try String(contentsOfFile: dir + "/trials/0/" + $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
    #expect(await pidsStillRunning(pids).isEmpty)
  }

  @Test func grandchildrenAreKilledWhenTheTrialEnds() async throws {
    let t = try await runTrial(
      """
      (sleep 30; echo late) &
      echo $! > "$HPOTOP_TRIAL_DIR/grandchild.pid"
      echo '[hpotop] loss=1'
      """)
    #expect(t.state == .complete)
    let pid = Int32(try String(contentsOfFile: dir + "/trials/0/grandchild.pid", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(await pidsStillRunning([pid]).isEmpty)
  }

  @Test func tenMegabytesOfStdoutIsLoggedNotHeld() async throws {
    let t = try await runTrial("head -c 10485760 /dev/zero | tr '\\\\0' 'a'\necho\necho '[hpotop] loss=7'\n")
    #expect(t.state == .complete && t.value == 7)
    let size = try FileManager.default.attributesOfItem(atPath: dir + "/trials/0/stdout.log")[.size] as? Int
    #expect((size ?? 0) > 10_000_000)
  }

  @Test func paramValuesStayLiteral() async throws {
    let evil = "; touch \(dir)/pwned; echo"
    let t = try await runTrial(
      "for a in \"$@\"; do echo \"ARG[$a]\"; done\necho '[hpotop] loss=1'\n",
      params: ["cmd": .string(evil)])
    #expect(t.state == .complete)
    #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"))
    let log = try String(contentsOfFile: dir + "/trials/0/stdout.log", encoding: .utf8)
    #expect(log.contains("ARG[--cmd=\(evil)]"))
  }

  @Test func userPruneRequestStopsTheProcessGroup() async throws {
    let t = try await runTrial(
      """
      echo $$ > "$HPOTOP_TRIAL_DIR/main.pid"
      i=0
      while true; do echo "[hpotop] step=$i loss=1"; i=$((i+1)); sleep 0.1; done
      """,
      during: { study, trialID in
        try await Task.sleep(for: .milliseconds(500))
        try await study.storage.setTrialSystemAttr(trial: trialID, key: "hpotop:prune_requested", value: .bool(true))
      })
    #expect(t.state == .pruned)
    #expect(t.systemAttrs["hpotop:prune_reason"] == .string("pruned by user"))
    let pid = Int32(try String(contentsOfFile: dir + "/trials/0/main.pid", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(await pidsStillRunning([pid]).isEmpty)
  }

  @Test func argumentStylesAndPlaceholders() throws {
    let params: OrderedDictionary<String, ParamValue> = ["lr": .float(1e-05), "opt": .string("adam"), "n": .int(3)]
    let o = CommandObjective(argv: ["python3", "train.py", "--learning-rate={lr}"], trialsDirectory: "/t", metricNames: ["loss"])
    #expect(o.arguments(params: params, trialNumber: 4, trialDir: "/t/4")
      == ["python3", "train.py", "--learning-rate=1e-05", "--opt=adam", "--n=3"])
    var h = o
    h.argumentTemplate = "{name}={value}"
    #expect(h.arguments(params: params, trialNumber: 4, trialDir: "/t/4").suffix(2) == ["opt=adam", "n=3"])
    var s = o
    s.argumentTemplate = "--{name} {value}"
    #expect(s.arguments(params: params, trialNumber: 4, trialDir: "/t/4").suffix(4) == ["--opt", "adam", "--n", "3"])
  }

  @Test func metricLineForms() {
    #expect(MetricLine.parse("plain output") == nil)
    #expect(MetricLine.parse("[hpotop] step=3 loss=0.12") == .success(MetricLine(step: 3, fields: ["loss": .double(0.12)])))
    #expect(MetricLine.parse("[hpotop] {\"step\": 3, \"loss\": 0.12}") == .success(MetricLine(step: 3, fields: ["loss": .double(0.12)])))
    if case .failure? = MetricLine.parse("[hpotop] step=1.5 loss=1") {} else { Issue.record("a fractional step must be rejected") }
  }

  @Test func aSetsidGrandchildDiesWithItsTrial() async throws {
    let t = try await runTrial(
      """
      setsid sh -c 'echo $$ > "$HPOTOP_TRIAL_DIR/escaped.pid"; exec sleep 60' &
      while [ ! -s "$HPOTOP_TRIAL_DIR/escaped.pid" ]; do sleep 0.05; done
      echo '[hpotop] loss=1'
      """)
    #expect(t.state == .complete)
    let pid = Int32(try String(contentsOfFile: dir + "/trials/0/escaped.pid", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    #expect(pid > 1)
    #expect(await pidsStillRunning([pid]).isEmpty, "a grandchild in its own session outlived the trial")
  }

  @Test func logsStopAtTheirLimitAndReportsAfterItStillCount() async throws {
    let t = try await runTrial(
      "head -c 300000 /dev/zero | tr '\\\\0' 'a'\necho\nhead -c 300000 /dev/zero >&2\necho '[hpotop] loss=5'\n",
      logLimit: 100_000)
    #expect(t.state == .complete && t.value == 5)
    for name in ["stdout.log", "stderr.log"] {
      let log = try Data(contentsOf: URL(fileURLWithPath: dir + "/trials/0/" + name))
      #expect(log.count > 100_000 && log.count < 100_300, "\(name): \(log.count) bytes")
      #expect(String(decoding: log.suffix(200), as: UTF8.self).contains("reached its limit of 100000 B"))
    }
  }

  @Test func aProgramThatCannotStartFailsWithTheReason() async throws {
    let storage = InMemoryStorage()
    let study = try await Study.create(name: "cmd", storage: storage)
    let objective = CommandObjective(
      argv: ["no-such-program-\(UUID().uuidString.prefix(6))"], trialsDirectory: dir + "/trials", metricNames: ["loss"],
      supervisorExecutable: Self.supervisor)
    var t = try await study.ask()
    let finished = try await study.run(&t) { trial in try await objective.run(trial, params: [:]) }
    #expect(finished.state == .fail)
    #expect(finished.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("cannot start no-such-program") == true)
    // A file that exists but cannot be executed: the supervisor reports exec's error.
    try Data("not a program".utf8).write(to: URL(fileURLWithPath: dir + "/text"))
    chmod(dir + "/text", 0o755)
    let text = CommandObjective(argv: [dir + "/text"], trialsDirectory: dir + "/trials", metricNames: ["loss"],
                                supervisorExecutable: Self.supervisor)
    var u = try await study.ask()
    let failed = try await study.run(&u) { trial in try await text.run(trial, params: [:]) }
    #expect(failed.state == .fail)
    #expect(failed.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("cannot start \(dir)/text: Exec format error") == true,
            "\(failed.systemAttrs)")
  }
}
