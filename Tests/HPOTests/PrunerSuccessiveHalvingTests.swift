import HPO
import OrderedCollections
import Testing

/// Successive halving: rung attrs written through storage, and promotion decisions on
/// hand-made trials (Optuna `_successive_halving.py`).
@Suite struct PrunerSuccessiveHalvingTests {
  /// A storage with COMPLETE trials holding `completed_rung_0` values, and a study context.
  func setup(rung0: [Double], direction: StudyDirection = .minimize) async throws
    -> (InMemoryStorage, Int64)
  {
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "sha", directions: [direction])
    for v in rung0 {
      _ = try await storage.createTrial(study: sid, template: FrozenTrial(
        id: 0, number: 0, state: .complete, values: [v], systemAttrs: ["completed_rung_0": .double(v)],
        intermediateValues: [1: v]))
    }
    return (storage, sid)
  }

  /// Adds a RUNNING trial with these reports and returns it with a fresh context.
  func running(_ storage: InMemoryStorage, _ sid: Int64, _ ivs: [(Int, Double)],
               direction: StudyDirection = .minimize) async throws -> (SamplingContext, FrozenTrial) {
    let t = try await storage.createTrial(study: sid, template: FrozenTrial(
      id: 0, number: 0, state: .running, intermediateValues: PT.ivs(ivs)))
    return (try await context(storage, sid, direction: direction), t)
  }

  func context(_ storage: InMemoryStorage, _ sid: Int64, direction: StudyDirection = .minimize) async throws
    -> SamplingContext
  {
    SamplingContext(studyID: sid, studyName: "sha", directions: [direction], storage: storage,
                    trials: try await storage.trials(study: sid, filter: .all))
  }

  @Test func promotionAgainstTheRungAndTheWrittenAttr() async throws {
    // η = 3, min resource 1: rungs end at steps 1, 3, 9.
    let p = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let (storage, sid) = try await setup(rung0: [1, 2, 3, 4])
    // Competitors [1, 2, 3, 4, 2.5]: ⌊5/3⌋ = 1 → only the best survives; 2.5 > 1 → pruned.
    let (c1, t1) = try await running(storage, sid, [(1, 2.5)])
    #expect(try await p.shouldPrune(c1, trial: t1))
    #expect(try await storage.trial(id: t1.id).systemAttrs["completed_rung_0"] == .double(2.5))
    // Now 6 competitors [0.5, 1, 2, 2.5, 3, 4]: top ⌊6/3⌋ = 2 → 0.5 ≤ 1 → promoted; step 1 < 3.
    let (c2, t2) = try await running(storage, sid, [(1, 0.5)])
    #expect(!(try await p.shouldPrune(c2, trial: t2)))
    // At step 3 it is alone in rung 1 (promoted as the best of 1); rung 2 ends at 9.
    try await storage.setTrialIntermediateValue(trial: t2.id, step: 3, value: 0.4)
    let t2b = try await storage.trial(id: t2.id)
    #expect(!(try await p.shouldPrune(try await context(storage, sid), trial: t2b)))
    let attrs = try await storage.trial(id: t2.id).systemAttrs
    #expect(attrs["completed_rung_0"] == .double(0.5))
    #expect(attrs["completed_rung_1"] == .double(0.4))
    #expect(attrs["completed_rung_2"] == nil)
  }

  @Test func aJumpOverSeveralRungsCompetesInEach() async throws {
    let p = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let (storage, sid) = try await setup(rung0: [])
    let (c, t) = try await running(storage, sid, [(0, 5), (10, 5)])
    #expect(!(try await p.shouldPrune(c, trial: t)))
    let attrs = try await storage.trial(id: t.id).systemAttrs
    #expect((0...2).allSatisfy { attrs["completed_rung_\($0)"] == .double(5) })
    #expect(attrs["completed_rung_3"] == nil)  // 27 > 10
  }

  @Test func maximizeKeepsTheLargest() async throws {
    let p = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let (storage, sid) = try await setup(rung0: [1, 2, 3, 4], direction: .maximize)
    let (c1, t1) = try await running(storage, sid, [(1, 3.5)], direction: .maximize)
    #expect(try await p.shouldPrune(c1, trial: t1))  // top 1 of 5 is 4
    let (c2, t2) = try await running(storage, sid, [(1, 4.5)], direction: .maximize)
    #expect(!(try await p.shouldPrune(c2, trial: t2)))  // top 2 of 6 are 4.5 and 4
  }

  @Test func minEarlyStoppingRateShiftsTheFirstRung() async throws {
    // Rate 1, η = 3, min 2: rung 0 ends at step 6.
    let p = try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1)
    let (storage, sid) = try await setup(rung0: [1, 2, 3])
    let (c, t) = try await running(storage, sid, [(5, 100)])
    #expect(!(try await p.shouldPrune(c, trial: t)))
    #expect(try await storage.trial(id: t.id).systemAttrs["completed_rung_0"] == nil)
    try await storage.setTrialIntermediateValue(trial: t.id, step: 6, value: 100)
    #expect(try await p.shouldPrune(try await context(storage, sid), trial: try await storage.trial(id: t.id)))
  }

  @Test func bootstrapCountPrunesUntilTheRungHasEnoughTrials() async throws {
    let p = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2, bootstrapCount: 2)
    let (storage, sid) = try await setup(rung0: [5])
    // Competitors [5, 1]: 2 ≤ bootstrap 2 → pruned, though it is the best.
    let (c1, t1) = try await running(storage, sid, [(1, 1)])
    #expect(try await p.shouldPrune(c1, trial: t1))
    // Competitors [5, 1, 0.5]: 3 > 2, ⌊3/2⌋ = 1 → best only → 0.5 promoted.
    let (c2, t2) = try await running(storage, sid, [(1, 0.5)])
    #expect(!(try await p.shouldPrune(c2, trial: t2)))
    #expect(throws: PrunerError.self) { try SuccessiveHalvingPruner(bootstrapCount: 1) }
  }

  @Test func promotionWindowComparesWithTheMostRecentTrialsOnly() async throws {
    // Rung 0 history, oldest first: two good early values, then three poor recent ones.
    let (storage, sid) = try await setup(rung0: [0.1, 0.2, 5, 6, 7])
    // Against the whole rung [0.1, 0.2, 5, 6, 7, 4]: ⌊6/3⌋ = 2 → 4 is not in the top 2 → pruned.
    let all = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let (c1, t1) = try await running(storage, sid, [(1, 4)])
    #expect(try await all.shouldPrune(c1, trial: t1))
    // Window 3: [7, 4 (t1, whose rung value the first call wrote), 4] → ⌊3/3⌋ = 1 → 4 ties the
    // best of the window → promoted.
    let windowed = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3, promotionWindow: 3)
    let (c2, t2) = try await running(storage, sid, [(1, 4)])
    #expect(!(try await windowed.shouldPrune(c2, trial: t2)))
    // A poor value is still pruned inside the window: [4 (t1), 4 (t2), 8].
    let (c3, t3) = try await running(storage, sid, [(1, 8)])
    #expect(try await windowed.shouldPrune(c3, trial: t3))
  }

  @Test func autoMinResourceIsTheLongestCompleteTrialOver100() async throws {
    let p = try SuccessiveHalvingPruner(reductionFactor: 3)
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "sha", directions: [.minimize])
    let (c0, t0) = try await running(storage, sid, [(1, 1)])
    #expect(!(try await p.shouldPrune(c0, trial: t0)))  // nothing completed: no estimate
    _ = try await storage.createTrial(study: sid, template: FrozenTrial(
      id: 0, number: 0, state: .complete, values: [1], intermediateValues: [250: 1]))
    // min resource = max(250 // 100, 1) = 2: step 1 is before rung 0, step 2 completes it.
    let (c1, t1) = try await running(storage, sid, [(1, 1)])
    #expect(!(try await p.shouldPrune(c1, trial: t1)))
    #expect(try await storage.trial(id: t1.id).systemAttrs["completed_rung_0"] == nil)
    let (c2, t2) = try await running(storage, sid, [(1, 1), (2, 1)])
    #expect(!(try await p.shouldPrune(c2, trial: t2)))
    #expect(try await storage.trial(id: t2.id).systemAttrs["completed_rung_0"] == .double(1))
  }

  @Test func nanAtARungIsPruned() async throws {
    let p = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
    let (storage, sid) = try await setup(rung0: [])
    let (c, t) = try await running(storage, sid, [(1, .nan)])
    #expect(try await p.shouldPrune(c, trial: t))
    #expect(try await storage.trial(id: t.id).systemAttrs["completed_rung_0"] == nil)
  }

  @Test func inAStudyOnlyTheTopThirdPassesEachRung() async throws {
    let study = try await Study.create(
      name: "sha", storage: InMemoryStorage(), sampler: RandomSampler(seed: 7),
      pruner: try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3))
    try await study.optimize(limits: OptimizeLimits(nTrials: 30)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      for step in 1...9 {
        try await trial.report(x, step: step)
        try await trial.checkPrune()
      }
      return [x]
    }
    let trials = try await study.trials()
    #expect(trials.allSatisfy { $0.systemAttrs["completed_rung_0"] != nil })
    let reached9 = trials.filter { $0.systemAttrs["completed_rung_2"] != nil }.count
    let reached3 = trials.filter { $0.systemAttrs["completed_rung_1"] != nil }.count
    #expect(reached3 < trials.count && reached9 <= reached3)
    // Every pruned trial stopped exactly at a rung end (1, 3 or 9).
    #expect(trials.filter { $0.state == .pruned }.allSatisfy { [1, 3, 9].contains($0.lastStep ?? -1) })
  }
}
