import HPO
import Testing

/// Median and percentile decisions on hand-computed cases (Optuna `_percentile.py` semantics).
@Suite struct PrunerPercentileTests {
  // Completed values at step 1: [1, 2, 3, 4, 5] → median 3.
  let five = PT.fiveAt(1, [1, 2, 3, 4, 5])

  @Test func medianMinimizePrunesOnlyStrictlyWorseThanTheMedian() async throws {
    let p = try MedianPruner()
    #expect(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, 3.5), (1, 3.5)])))
    #expect(!(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, 2.5), (1, 2.5)]))))
    // Equal to the median is kept (strict comparison).
    #expect(!(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, 9), (1, 3)]))))
  }

  @Test func bestIntermediateSoFarDecidesNotTheLatest() async throws {
    let p = try MedianPruner()
    // Best so far = 1 (step 0) ≤ median 3 at step 1, though the latest value 9 is worse.
    #expect(!(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, 1), (1, 9)]))))
  }

  @Test func medianMaximizeUsesTheUpperSide() async throws {
    let p = try MedianPruner()
    let c = PT.context(five, direction: .maximize)
    #expect(try await p.shouldPrune(c, trial: PT.running(5, [(1, 2.9)])))
    #expect(!(try await p.shouldPrune(c, trial: PT.running(5, [(1, 3.1)]))))
  }

  @Test func percentileInterpolatesLinearlyAndFlipsForMaximize() async throws {
    // Percentile 25, maximize → 75th percentile of [1..5] = 4 (rank 0.75·4 = 3).
    let p25 = try PercentilePruner(percentile: 25)
    let cmax = PT.context(five, direction: .maximize)
    #expect(try await p25.shouldPrune(cmax, trial: PT.running(5, [(1, 3.9)])))
    #expect(!(try await p25.shouldPrune(cmax, trial: PT.running(5, [(1, 4)]))))
    // Minimize → 25th percentile of [1..5] = 2.
    let cmin = PT.context(five)
    #expect(try await p25.shouldPrune(cmin, trial: PT.running(5, [(1, 2.01)])))
    #expect(!(try await p25.shouldPrune(cmin, trial: PT.running(5, [(1, 2)]))))
    // Median of [10, 20, 30, 40] = 25 (rank 1.5 between 20 and 30).
    let four = PT.fiveAt(1, [10, 20, 30, 40]) + [PT.complete(4, [(0, 0)])]
    let p50 = try PercentilePruner(percentile: 50)
    #expect(try await p50.shouldPrune(PT.context(four), trial: PT.running(5, [(1, 25.5)])))
    #expect(!(try await p50.shouldPrune(PT.context(four), trial: PT.running(5, [(1, 24.5)]))))
  }

  @Test func startupTrialsAreCompleteTrialsOnly() async throws {
    let p = try MedianPruner(nStartupTrials: 5)
    let four = Array(five.prefix(4)) + [PT.running(9, [(1, 100)])]
    #expect(!(try await p.shouldPrune(PT.context(four), trial: PT.running(5, [(1, 100)]))))
    let p0 = try MedianPruner(nStartupTrials: 0)
    #expect(try await p0.shouldPrune(PT.context(Array(five.prefix(1))), trial: PT.running(5, [(1, 100)])))
    // No COMPLETE trial at all never prunes, even with 0 startup trials.
    #expect(!(try await p0.shouldPrune(PT.context([]), trial: PT.running(5, [(1, 100)]))))
  }

  @Test func warmupStepsDelayPruning() async throws {
    let p = try MedianPruner(nWarmupSteps: 2)
    let c = PT.context(five.map { t in
      var t = t
      t.intermediateValues[2] = t.intermediateValues[1]
      return t
    })
    #expect(!(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (1, 9)]))))
    #expect(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (1, 9), (2, 9)])))
  }

  @Test func intervalChecksOnlyTheFirstReportOfEachInterval() async throws {
    // Warm-up 0, interval 3: checkpoints at steps 0, 3, 6…
    let p = try MedianPruner(nWarmupSteps: 0, intervalSteps: 3)
    let completed = (0..<5).map { i in PT.complete(i, (0...6).map { ($0, Double(i + 1)) }) }
    let c = PT.context(completed)
    #expect(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9)])))
    #expect(!(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (1, 9)]))))
    #expect(!(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (1, 9), (2, 9)]))))
    #expect(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (1, 9), (2, 9), (3, 9)])))
    // Step 3 was never reported: the check is postponed to step 4, the first report after 3.
    #expect(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (4, 9)])))
    #expect(!(try await p.shouldPrune(c, trial: PT.running(5, [(0, 9), (4, 9), (5, 9)]))))
  }

  @Test func nMinTrialsCountsValuesReportedAtTheStep() async throws {
    let p = try MedianPruner(nMinTrials: 3)
    // Five complete trials, but only two of them reported step 7.
    var trials = five
    trials[0].intermediateValues[7] = 1
    trials[1].intermediateValues[7] = 2
    #expect(!(try await p.shouldPrune(PT.context(trials), trial: PT.running(5, [(7, 100)]))))
    trials[2].intermediateValues[7] = 3
    #expect(try await p.shouldPrune(PT.context(trials), trial: PT.running(5, [(7, 100)])))
  }

  @Test func nanHandling() async throws {
    let p = try MedianPruner()
    // A trial whose values are all NaN is pruned.
    #expect(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, .nan), (1, .nan)])))
    // NaN values are skipped when taking the trial's best: best = 2 < median 3.
    #expect(!(try await p.shouldPrune(PT.context(five), trial: PT.running(5, [(0, 2), (1, .nan)]))))
    // NaN among the completed values is ignored by the percentile: median of [1, 3] = 2.
    let withNaN = PT.fiveAt(1, [.nan, 1, 3, .nan, .nan])
    #expect(try await p.shouldPrune(PT.context(withNaN), trial: PT.running(5, [(1, 2.5)])))
    #expect(!(try await p.shouldPrune(PT.context(withNaN), trial: PT.running(5, [(1, 1.5)]))))
    // All completed values NaN: the percentile is NaN and nothing is pruned.
    let allNaN = PT.fiveAt(1, [.nan, .nan, .nan, .nan, .nan])
    #expect(!(try await p.shouldPrune(PT.context(allNaN), trial: PT.running(5, [(1, 1e9)]))))
  }

  @Test func invalidArgumentsAreRejected() {
    #expect(throws: PrunerError.self) { try PercentilePruner(percentile: 101) }
    #expect(throws: PrunerError.self) { try PercentilePruner(percentile: 50, intervalSteps: 0) }
    #expect(throws: PrunerError.self) { try MedianPruner(nMinTrials: 0) }
  }

  @Test func medianPrunesBadTrialsInAStudy() async throws {
    let study = try await Study.create(
      name: "median", storage: InMemoryStorage(), sampler: RandomSampler(seed: 3),
      pruner: try MedianPruner(nStartupTrials: 5))
    try await study.optimize(limits: OptimizeLimits(nTrials: 40)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      for step in 0..<10 {
        try await trial.report(x + 1 / Double(step + 1), step: step)
        try await trial.checkPrune()
      }
      return [x]
    }
    let trials = try await study.trials()
    let pruned = trials.filter { $0.state == .pruned }
    #expect(!pruned.isEmpty)
    #expect(trials.prefix(5).allSatisfy { $0.state == .complete })
    // A pruned trial was worse than the median of completed trials where it stopped.
    for t in pruned {
      let step = try #require(t.lastStep)
      let before = trials.filter { $0.state == .complete && $0.number < t.number }
      let vals = before.compactMap { $0.intermediateValues[step] }.sorted()
      let best = try #require(t.intermediateValues.values.min())
      #expect(best > vals[0])
    }
  }
}
