import HPO
import OrderedCollections
import Testing

@Suite struct StudyTests {
  @Test func askTellInMemory() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: RandomSampler(seed: 1))
    try await study.optimize(limits: OptimizeLimits(nTrials: 20, parallelism: 3)) { trial in
      let x = try await trial.suggestFloat("x", -5, 5)
      let opt = try await trial.suggestCategorical("opt", ["adam", "sgd"])
      if opt == "sgd" { _ = try await trial.suggestFloat("momentum", 0, 1) }
      return [x * x]
    }
    let trials = try await study.trials()
    #expect(trials.count == 20)
    #expect(Set(trials.map(\.number)) == Set(0..<20))
    #expect(trials.allSatisfy { $0.state == .complete })
    let best = try #require(try await study.bestTrial())
    #expect(best.value == trials.compactMap(\.value).min())
    #expect(trials.filter { $0.params["opt"] == .string("sgd") }.allSatisfy { $0.params["momentum"] != nil })
  }

  /// Issue 25: a worker that finds the budget used up does not wait a heartbeat interval for
  /// trials its own run holds (that tail was 5 s per `hpotop run`). The trial that runs last
  /// watches the run's gate until the other worker has left it; with the old rule that worker
  /// slept a heartbeat interval (200 s here) inside it. The watch is bounded in polls, not in
  /// time, so a loaded machine slows it without failing it.
  @Test func aRunEndsWithItsLastTrialNotAHeartbeatLater() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: RandomSampler(seed: 2))
    let gate = TrialGate()
    var limits = OptimizeLimits(nTrials: 2, parallelism: 2, heartbeatInterval: 200)
    limits.gate = gate
    try await study.optimize(limits: limits) { trial in
      guard trial.number == 1 else { return [0] }
      var polls = 0
      while gate.running > 1 && polls < 20_000 {
        polls += 1
        try await Task.sleep(for: .milliseconds(5))
      }
      return [gate.running == 1 ? 1 : -1]
    }
    let last = try #require(try await study.trials().first { $0.number == 1 })
    #expect(last.value == 1, "the other worker stayed in the run while its last trial ran")
  }

  @Test func enqueuedTrialRunsFirstWithItsParams() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage())
    try await study.enqueue(params: ["x": .float(0.25), "opt": .string("sgd")])
    #expect(try await study.enqueue(params: ["x": .float(0.25), "opt": .string("sgd")], skipIfExists: true) == nil)
    var trial = try await study.ask()
    #expect(try await trial.suggestFloat("x", 0, 1) == 0.25)
    #expect(try await trial.suggestCategorical("opt", ["adam", "sgd"]) == "sgd")
    let done = try await study.tell(trialID: trial.id, values: [1])
    #expect(done.number == 0 && done.state == .complete)
  }

  @Test func nanValueFailsTheTrialWithAReason() async throws {
    let study = try await Study.create(name: "s", storage: InMemoryStorage())
    let trial = try await study.ask()
    let t = try await study.tell(trialID: trial.id, values: [.nan])
    #expect(t.state == .fail)
    #expect(t.systemAttrs["hpotop:fail_reason"]?.stringValue?.contains("NaN") == true)
  }
}

@Suite struct StaleTrialTests {
  @Test func aTrialWhoseWorkerDiedFailsAsStaleAndIsRetried() async throws {
    let storage = InMemoryStorage()
    let study = try await Study.create(name: "s", storage: storage, sampler: RandomSampler(seed: 3))
    // A "dead worker": a trial that started, sent one heartbeat, and was never heard of again.
    var dead = try await study.ask()
    let x = try await dead.suggestFloat("x", 0, 1)
    try await storage.recordHeartbeat(trial: dead.id)
    // The grace is wide enough that a live trial's heartbeat, late on a loaded machine, is not
    // taken for a dead worker's.
    try await Task.sleep(for: .milliseconds(1500))
    let limits = OptimizeLimits(nTrials: 4, heartbeatInterval: 0.1, staleGrace: 1.2, maxRetry: 1)
    try await study.optimize(limits: limits) { trial in [try await trial.suggestFloat("x", 0, 1)] }
    let trials = try await study.trials()
    let stale = try #require(trials.first { $0.id == dead.id })
    #expect(stale.state == .fail)
    #expect(stale.systemAttrs["hpotop:fail_reason"] == .string("stale"))
    let retry = try #require(trials.first { $0.systemAttrs["failed_trial"] == .int(stale.number) })
    #expect(retry.params["x"] == .float(x))
    #expect(retry.state == .complete)
    #expect(retry.systemAttrs["retry_history"] == .array([.int(stale.number)]))
  }

  /// WAVE2: a retry replaces its failed trial in the budget, so 4 asked gives 4 finished trials
  /// with retries counted once: neither 2 (retries eating the budget) nor more than 4.
  @Test func retriesReplaceTheirFailedTrialsInTheBudget() async throws {
    let storage = InMemoryStorage()
    let study = try await Study.create(name: "s", storage: storage, sampler: RandomSampler(seed: 4))
    for _ in 0..<2 {
      var dead = try await study.ask()
      _ = try await dead.suggestFloat("x", 0, 1)
      try await storage.recordHeartbeat(trial: dead.id)
    }
    try await Task.sleep(for: .milliseconds(1500))
    let limits = OptimizeLimits(nTrials: 4, parallelism: 2, heartbeatInterval: 0.1, staleGrace: 1.2, maxRetry: 1)
    try await study.optimize(limits: limits) { trial in [try await trial.suggestFloat("x", 0, 1)] }
    let trials = try await study.trials()
    #expect(trials.filter { $0.state == .fail }.count == 2)
    #expect(trials.filter { $0.state == .complete }.count == 4, "\(trials.map { ($0.number, $0.state) })")
    #expect(trials.filter { $0.systemAttrs["retry_history"] != nil }.count == 2)
  }
}
