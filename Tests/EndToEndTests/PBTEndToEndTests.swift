import Foundation
import HPO
import HPOSQLite
import HPOTesting
import Testing

/// PBT with the real binary: a Python command objective (the paper's toy) that saves and restores
/// its checkpoint through HPOTOP_CHECKPOINT_DIR / HPOTOP_RESTORE_FROM, population 4, parallelism 2,
/// a worker killed with SIGKILL mid-segment, and the study read back by Python Optuna.
@Suite(.serialized) struct PBTEndToEndTests {
  /// The toy of Jaderberg et al. as a checkpointing program: θ and the step in state.json.
  static let toy = """
    import json, os, sys, time
    h = {k: float(v) for k, v in (a[2:].split("=") for a in sys.argv[1:])}
    restore = os.environ.get("HPOTOP_RESTORE_FROM")
    theta, step = [0.9, 0.9], 0
    if restore:
        with open(os.path.join(restore, "state.json")) as f:
            s = json.load(f)
        theta, step = s["theta"], s["step"]
        assert step == int(os.environ["HPOTOP_START_STEP"]), (step, os.environ["HPOTOP_START_STEP"])
    stop = int(os.environ["HPOTOP_STOP_STEP"])
    while step < stop:
        theta = [theta[0] + 0.01 * (-2 * h["h0"] * theta[0]), theta[1] + 0.01 * (-2 * h["h1"] * theta[1])]
        step += 1
        q = 1.2 - (theta[0] * theta[0] + theta[1] * theta[1])
        if step == stop:
            with open(os.path.join(os.environ["HPOTOP_CHECKPOINT_DIR"], "state.json"), "w") as f:
                json.dump({"theta": theta, "step": step}, f)
        print("[hpotop] step=%d q=%r" % (step, q), flush=True)
        # While the test's hold file exists, a restored segment waits after its first step
        # (the test kills the worker then, mid-segment).
        hold = os.environ.get("TOY_HOLD", "")
        if restore and hold and os.path.exists(hold):
            open(hold + ".reached", "w").close()
            while os.path.exists(hold):
                time.sleep(0.05)
        time.sleep(float(os.environ.get("TOY_SLEEP", "0.05")))
    """

  static func writeStudy(_ dir: String) throws {
    FileManager.default.createFile(atPath: dir + "/hold", contents: nil)
    try toy.write(toFile: dir + "/toy.py", atomically: true, encoding: .utf8)
    try """
      name: pbt
      metric: {name: q, direction: maximize}
      params:
        h0: {type: float, low: 0, high: 1}
        h1: {type: float, low: 0, high: 1}
      sampler: {name: pbt, seed: 11, population: 4, perturbation_interval: 4}
      budget: {steps: 96}
      parallelism: 2
      objective:
        command: [\(PythonPeer.python.joined(separator: ", ")), toy.py]
        env: {TOY_SLEEP: "0.02", TOY_HOLD: \(dir)/hold}
      """.write(toFile: dir + "/pbt.yaml", atomically: true, encoding: .utf8)
  }

  @Test func populationSurvivesAKilledWorkerAndPythonReadsTheLineage() async throws {
    let dir = try Binary.temporaryDirectory("pbt")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.writeStudy(dir)
    let args = ["worker", "pbt.yaml", "--heartbeat-interval", "0.3", "--stale-grace", "1.5"]
    let storage = try SQLiteStorage(path: dir + "/pbt.db")
    // Kill the first worker while a segment that restored a checkpoint is halfway through.
    let (victim, _, victimErr) = try Binary.start(args, in: dir)
    let midSegment = try await waitUntil(300) { FileManager.default.fileExists(atPath: dir + "/hold.reached") }
    kill(victim.processIdentifier, SIGKILL)
    // The segments that were running (one at least held after its first restored step).
    let killedTrials = try await Study.load(name: "pbt", storage: storage).trials().filter {
      $0.state == .running && $0.hpotop.pbtSegment != nil
    }.map(\.number)
    try FileManager.default.removeItem(atPath: dir + "/hold")
    _ = await Binary.waitForExit(victim)
    let said = String(decoding: await Binary.readToEnd(victimErr.fileHandleForReading), as: UTF8.self)
    try #require(midSegment, "no segment ran past its restore point; the worker said: \(said.suffix(1500))")
    try #require(!killedTrials.isEmpty)

    let survivor = try await Binary.run(args, in: dir)
    #expect(survivor.status == 0, "\(survivor.stderr.suffix(800))")
    let trials = try await Study.load(name: "pbt", storage: storage).trials()
    let pop = PBTPopulation(trials: trials, population: 4, memberSteps: 24)
    // No member was lost: each trained its 24 steps.
    #expect(pop.members.map(\.progress) == [24, 24, 24, 24])
    #expect(PBTSchedule.lineageProblems(trials).isEmpty, "\(PBTSchedule.lineageProblems(trials))")
    // The killed segments failed as stale, and each member went on from the same checkpoint.
    for number in killedTrials {
      let killed = try #require(trials.first { $0.number == number })
      #expect(killed.state == .fail)
      let s = try #require(killed.hpotop.pbtSegment)
      let again = trials.first { $0.number > number && $0.state == .complete && $0.hpotop.pbtSegment?.member == s.member }
      #expect(again?.hpotop.pbtSegment?.parent == s.parent && again?.hpotop.pbtSegment?.startStep == s.startStep)
    }
    // Exploits copied the top member's checkpoint file.
    let exploits = trials.filter { $0.state == .complete && $0.hpotop.pbtSegment?.exploitedMember != nil }
    #expect(!exploits.isEmpty)
    for t in exploits {
      let parent = try #require(t.hpotop.pbtSegment?.parent)
      let copy = try Data(contentsOf: URL(fileURLWithPath: Binary.trialFolder(dir, t.number) + "/restore/state.json"))
      let original = try Data(contentsOf: URL(fileURLWithPath: Binary.trialFolder(dir, parent) + "/checkpoint/state.json"))
      #expect(copy == original)
    }
    // The exported schedule of each member replays to its final Q.
    for m in 0..<4 {
      let out = try await Binary.run(["pbt", "schedule", "--storage", "sqlite:///pbt.db", "--study-name", "pbt", "--member", String(m), "-f", "json"], in: dir)
      #expect(out.status == 0, "\(out.stderr)")
      let json = try JSONValue(parsing: out.stdout)
      let schedule = try #require(PBTSchedule.of(member: m, trials: trials))
      #expect(json == schedule.json)
      #expect(abs(PBTToy.replay(schedule) - (schedule.finalValue ?? .nan)) <= 1e-9)
    }
    // Python Optuna loads the study and sees every segment with its lineage attrs.
    if PythonPeer.shouldRun(for: "optuna.load_study on a PBT study") {
      let out = try PythonPeer.run(["-c", """
        import optuna, json
        s = optuna.load_study(study_name="pbt", storage="sqlite:///\(dir)/pbt.db")
        segs = [t.system_attrs["hpotop:pbt"] for t in s.trials if t.state == optuna.trial.TrialState.COMPLETE]
        print(json.dumps({"trials": len(s.trials), "members": sorted({x["member"] for x in segs}),
                          "steps": max(max(t.intermediate_values) for t in s.trials if t.intermediate_values)}))
        """])
      let v = try JSONValue(parsing: out)
      #expect(v["trials"]?.intValue == trials.count)
      #expect(v["members"] == .array([0, 1, 2, 3].map { .int($0) }))
      #expect(v["steps"]?.intValue == 24)
    }
  }
}
