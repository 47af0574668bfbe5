import Foundation
import HPO
import OrderedCollections
import Testing

/// Hyperband pruner: Optuna-identical bracket assignment, sampler view, brackets as SHA.
@Suite struct HyperbandPrunerTests {
  @Test func bracketAssignmentMatchesOptuna() throws {
    // From Python: binascii.crc32(f"hb_{n}".encode()) % 143, walked over [81, 34, 15, 8, 5].
    let expected = [0, 1, 0, 3, 0, 0, 0, 1, 1, 1, 1, 0, 3, 3, 0, 0, 0, 2, 0, 0]
    let got = (0..<20).map {
      HyperbandPruner.bracketID(studyName: "hb", trialNumber: $0, budgets: [81, 34, 15, 8, 5])
    }
    #expect(got == expected)
  }

  @Test func bracketAssignmentIsStableAcrossInstancesAndCalls() throws {
    let a = try HyperbandPruner(minResource: 1, maxResource: 81)
    let b = try HyperbandPruner(minResource: 1, maxResource: 81)
    let c = PT.context([], name: "stable")
    let first = (0..<200).map { a.bracketID(c, trialNumber: $0) }
    #expect(first == (0..<200).map { b.bracketID(c, trialNumber: $0) })
    #expect(first == (0..<200).map { a.bracketID(c, trialNumber: $0) })
    #expect(Set(first) == Set(0..<5))  // every bracket gets trials
    // A different study name gives a different assignment.
    #expect(first != (0..<200).map { a.bracketID(PT.context([], name: "other"), trialNumber: $0) })
  }

  @Test func samplerViewKeepsOnlyTheTrialsOfTheSameBracket() throws {
    let p = try HyperbandPruner(minResource: 1, maxResource: 81)
    let trials = (0..<60).map { PT.complete($0, [(1, Double($0))]) }
    let c = PT.context(trials, name: "hb")
    let me = PT.running(60, [])
    let mine = p.bracketID(c, trialNumber: 60)
    let view = p.samplerView(c, trial: me)
    #expect(!view.trials.isEmpty && view.trials.count < trials.count)
    #expect(view.trials.allSatisfy { p.bracketID(c, trialNumber: $0.number) == mine })
    #expect(view.trials.count == trials.filter { p.bracketID(c, trialNumber: $0.number) == mine }.count)
    // BOHB's pairing shows every bracket to the sampler.
    let shared = try BOHBSampler.defaultPruner(minResource: 1, maxResource: 81)
    #expect(shared.samplerView(c, trial: me).trials.count == trials.count)
  }

  @Test func autoMaxResourceWaitsForACompleteTrial() async throws {
    let p = try HyperbandPruner(minResource: 1)
    let running = (0..<10).map { PT.running($0, [(1, Double($0))]) }
    let c = PT.context(running, name: "hb")
    #expect(p.brackets(c) == nil)
    #expect(p.samplerView(c, trial: running[0]).trials.count == 10)  // no filtering yet
    #expect(!(try await p.shouldPrune(c, trial: running[3])))
    // First complete trial with last step 80 → max resource 81 → 5 brackets.
    let c2 = PT.context(running + [PT.complete(10, [(80, 0)])], name: "hb")
    let br = try #require(p.brackets(c2))
    #expect(br.maxResource == 81 && br.budgets == [81, 34, 15, 8, 5] && br.totalBudget == 143)
    #expect(try HyperbandPruner(maxResource: 81, rule: .paperTable).brackets(c)?.budgets == [81, 27, 9, 6, 5])
  }

  @Test func eachBracketIsSuccessiveHalvingFromItsOwnFirstRung() async throws {
    // Counting-ones budgets: min 9, max 729, η = 3 → bracket b first checks at 9·3^b.
    let study = try await Study.create(
      name: "hbstudy", storage: InMemoryStorage(), sampler: RandomSampler(seed: 11),
      pruner: try HyperbandPruner(minResource: 9, maxResource: 729, reductionFactor: 3))
    try await study.optimize(limits: OptimizeLimits(nTrials: 120)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      for b in [9, 27, 81, 243, 729] {
        try await trial.report(x * Double(b) / 729, step: b)
        if b < 729 { try await trial.checkPrune() }
      }
      return [x]
    }
    let trials = try await study.trials()
    let p = try HyperbandPruner(minResource: 9, maxResource: 729, reductionFactor: 3)
    let c = SamplingContext(studyID: study.id, studyName: "hbstudy", directions: [.minimize],
                            storage: study.storage, trials: trials)
    #expect(trials.contains { $0.state == .pruned })
    for t in trials {
      let b = p.bracketID(c, trialNumber: t.number)
      let firstRung = 9 * Int(pow(3.0, Double(b)))
      if t.state == .pruned { #expect((t.lastStep ?? 0) >= firstRung) }
      // Rung attrs are written only at or after the bracket's first rung end.
      if t.systemAttrs["completed_rung_0"] != nil { #expect((t.lastStep ?? 0) >= firstRung) }
      // The last bracket (first rung at 729) never prunes.
      if b == 4 { #expect(t.state == .complete) }
    }
  }

  /// Optuna's rungs can prune a trial at its report of the maximum resource; BOHB's pruner lets a
  /// trial that got there finish (its budget is spent), with everything below R unchanged.
  /// (`autoMax`: BOHB's pruner with `max_resource` "auto", which fixes R at the last step + 1.)
  @Test(arguments: [(false, false), (true, false), (true, true)])
  func aTrialAtTheMaximumResourceFinishesUnderBOHBsPruner(_ bohb: Bool, _ autoMax: Bool) async throws {
    let pruner = bohb
      ? try BOHBSampler.defaultPruner(minResource: 1, maxResource: autoMax ? nil : 27, rungTrust: nil, curveStop: nil)
      : try HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3)
    let study = try await Study.create(
      name: "hbmax", storage: InMemoryStorage(), sampler: RandomSampler(seed: 5), pruner: pruner)
    // The objective asks after every report, the last one too, as a training loop does.
    try await study.optimize(limits: OptimizeLimits(nTrials: 150)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      for step in [1, 3, 9, 27] {
        try await trial.report(x + 1 / Double(step), step: step)
        try await trial.checkPrune()
      }
      return [x]
    }
    let trials = try await study.trials()
    let prunedAtMax = trials.filter { $0.state == .pruned && $0.lastStep == 27 }.count
    let prunedBelow = trials.filter { $0.state == .pruned && ($0.lastStep ?? 0) < 27 }.count
    #expect(prunedBelow > 20)
    if bohb {
      #expect(prunedAtMax == 0)
      #expect(trials.filter { $0.state == .complete }.allSatisfy { $0.lastStep == 27 })
    } else {
      #expect(prunedAtMax > 0)  // Optuna's behaviour, kept for `pruner: hyperband`
    }
  }
}
