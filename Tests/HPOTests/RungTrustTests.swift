import Foundation
import HPO
import OrderedCollections
import Testing

/// Rung trust (docs/bohb.md §11): the rank test, a Hyperband rung that stops pruning when its
/// step ranks trials against their final order, and BOHB's model skipping such a budget.
@Suite struct RungTrustTests {
  @Test func spearmanOnKnownSamples() {
    #expect(RungTrust.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
    #expect(RungTrust.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
    // Monotone but not linear: still 1.
    #expect(RungTrust.spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 1000]) == 1)
    // Ties share ranks: x ranks [1.5, 1.5, 3], y ranks [1, 2, 3] → 0.866…
    #expect(abs(RungTrust.spearman([0, 0, 1], [1, 2, 3]) - 0.8660254037844386) < 1e-12)
    #expect(RungTrust.spearman([1, 1, 1], [1, 2, 3]) == 0)
  }

  /// A trial with values at steps 1 and 9: `early` at step 1, `final` at step 9.
  static func trial(_ n: Int, early: Double, final: Double?, state: TrialState = .complete) -> FrozenTrial {
    var ivs: OrderedDictionary<Int, Double> = [1: early]
    if let final { ivs[9] = final }
    return FrozenTrial(id: Int64(n + 1), number: n, state: state, values: final.map { [$0] },
                       intermediateValues: ivs)
  }

  @Test func trustNeedsEnoughPairsAndAgreement() {
    let trust = RungTrust(minPairs: 5, minCorrelation: 0.5, presumed: false)
    let agree = (0..<5).map { Self.trial($0, early: Double($0), final: Double($0) / 10) }
    let crossing = (0..<5).map { Self.trial($0, early: Double($0), final: Double(5 - $0)) }
    #expect(trust.trusts(step: 1, top: 9, trials: agree))
    #expect(!trust.trusts(step: 1, top: 9, trials: crossing))
    // Four pairs are not enough evidence: the step gets what is presumed (BOHB's default trusts);
    // trials without a final value do not count.
    let few = Array(agree.prefix(3)) + Array(crossing.suffix(1))
      + [Self.trial(9, early: 0, final: nil, state: .pruned)]
    #expect(!trust.trusts(step: 1, top: 9, trials: few))
    #expect(RungTrust.bohbDefault.trusts(step: 1, top: 9, trials: few))
    #expect(!RungTrust.bohbDefault.trusts(step: 1, top: 9, trials: crossing))
    // The reference step itself is always trusted.
    #expect(trust.trusts(step: 9, top: 9, trials: crossing))
    #expect(RungTrust.referenceStep(few) == 9)
  }

  /// Successive halving (min 1, η 3) over a history of COMPLETE trials with their rung-0 values:
  /// whether a new trial reporting `value` at step 1 is pruned.
  func decide(history: [FrozenTrial], value: Double, trust: RungTrust?) async throws -> Bool {
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "trust", directions: [.minimize])
    for t in history {
      var t = t
      t.systemAttrs = ["completed_rung_0": .double(t.intermediateValues[1]!)]
      _ = try await storage.createTrial(study: sid, template: t)
    }
    let running = try await storage.createTrial(study: sid, template: FrozenTrial(
      id: 0, number: history.count, state: .running, intermediateValues: [1: value]))
    let context = SamplingContext(studyID: sid, studyName: "trust", directions: [.minimize], storage: storage,
                                  trials: try await storage.trials(study: sid, filter: .all))
    let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3, rungTrust: trust)
    let pruned = try await pruner.shouldPrune(context, trial: running)
    // The rung value is recorded either way, so later trials compete against it.
    #expect(try await storage.trial(id: running.id).systemAttrs["completed_rung_0"] == .double(value))
    return pruned
  }

  @Test func anUntrustedRungPromotesWhatATrustedOnePrunes() async throws {
    let crossing = (0..<6).map { Self.trial($0, early: Double($0), final: Double(6 - $0)) }
    let agree = (0..<6).map { Self.trial($0, early: Double($0), final: Double($0)) }
    let trust = RungTrust(minPairs: 5, minCorrelation: 0.5)
    // 4.5 is not in the top ⌊7/3⌋ = 2 of the rung: Optuna's rule prunes it.
    #expect(try await decide(history: crossing, value: 4.5, trust: nil))
    #expect(try await decide(history: agree, value: 4.5, trust: trust))
    // Where step 1 ranks the trials against their step-9 order, the rung does not prune.
    #expect(!(try await decide(history: crossing, value: 4.5, trust: trust)))
  }

  @Test func hyperbandJudgesTrustOnEveryBracket() async throws {
    // The trust history sits in whatever brackets crc32 gives; the running trial's bracket may
    // hold none of it. A rung that ranks against the final order must still not prune.
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "hb-trust", directions: [.minimize])
    let pruner = try HyperbandPruner(minResource: 1, maxResource: 9, reductionFactor: 3,
                                     rungTrust: RungTrust(minPairs: 5, minCorrelation: 0.5))
    var n = 0
    for k in 0..<12 {
      _ = try await storage.createTrial(study: sid, template: Self.trial(n, early: Double(k), final: Double(12 - k)))
      n += 1
    }
    // Find a later trial number in bracket 0 (the only bracket that stops at step 1).
    let context0 = SamplingContext(studyID: sid, studyName: "hb-trust", directions: [.minimize], storage: storage,
                                   trials: try await storage.trials(study: sid, filter: .all))
    while pruner.bracketID(context0, trialNumber: n) != 0 { n += 1 }
    let running = try await storage.createTrial(study: sid, template: FrozenTrial(
      id: 0, number: n, state: .running, intermediateValues: [1: 100]))
    let context = SamplingContext(studyID: sid, studyName: "hb-trust", directions: [.minimize], storage: storage,
                                  trials: try await storage.trials(study: sid, filter: .all))
    #expect(!(try await pruner.shouldPrune(context, trial: running)))
  }

  @Test func bohbSkipsAnUntrustedBudgetsModel() throws {
    // d = 2: min points 3, a model needs good and bad sets of ≥ 3. 12 trials at step 1, 5 reached
    // 9 (good 3, bad 2: no model at 9). Step 1 ranks them against step 9 → with trust, no model.
    var s = OrderedDictionary<String, Distribution>()
    s["a"] = .float(try FloatDistribution(low: 0, high: 1))
    s["b"] = .float(try FloatDistribution(low: 0, high: 1))
    func t(_ n: Int, final: Bool) -> FrozenTrial {
      let a = Double(n) / 12
      var ivs: OrderedDictionary<Int, Double> = [1: a]
      if final { ivs[9] = 1 - a }
      return FrozenTrial(id: Int64(n + 1), number: n, state: final ? .complete : .pruned,
                         values: final ? [1 - a] : nil, params: ["a": .float(a), "b": .float(1 - a)],
                         distributions: s, intermediateValues: ivs)
    }
    let trials = (0..<12).map { t($0, final: $0 >= 7 && $0 != 8 || $0 == 2) }
    #expect(trials.filter { $0.intermediateValues[9] != nil }.count == 5)
    let context = SamplingContext(studyID: 1, studyName: "bohb", directions: [.minimize], storage: InMemoryStorage(),
                                  trials: trials)
    var rng = SeededRNG(seed: 0)
    let plain = BOHBSampler(seed: 1, randomFraction: 0, rungTrust: nil)
    #expect(plain.model(context, searchSpace: s, rng: &rng)?.budget == 1)
    let trusting = BOHBSampler(seed: 1, randomFraction: 0, rungTrust: RungTrust(minPairs: 5, minCorrelation: 0.5))
    #expect(trusting.model(context, searchSpace: s, rng: &rng) == nil)
    // Once step 1 agrees with step 9, its model is used again.
    let agreeing = trials.map { tr -> FrozenTrial in
      var tr = tr
      if let v = tr.intermediateValues[9] { tr.intermediateValues[9] = 1 - v }
      return tr
    }
    let context2 = SamplingContext(studyID: 1, studyName: "bohb", directions: [.minimize], storage: InMemoryStorage(),
                                   trials: agreeing)
    #expect(trusting.model(context2, searchSpace: s, rng: &rng)?.budget == 1)
  }

  /// `floor + (2.3 − floor)·exp(−t/τ)`, the learning-curve bench's shape, at steps `1…k`.
  static func curve(floor: Double, tau: Double, upTo k: Int) -> [(step: Int, value: Double)] {
    (1...k).map { (step: $0, value: floor + (2.3 - floor) * Foundation.exp(-Double($0) / tau)) }
  }

  @Test func extrapolationPredictsTheFinalValueAndRanksCrossingCurves() throws {
    // Exact exponential curve: the prediction at 81 from steps 1…27 is near its value there.
    let slow = Self.curve(floor: 0.10, tau: 15, upTo: 27)
    let p = try #require(CurveExtrapolation.predict(slow, at: 81))
    #expect(abs(p - (0.10 + 2.2 * Foundation.exp(-81.0 / 15))) < 0.03)  // the rate grid's resolution
    // A fast starter with a worse floor leads at step 9 yet ends behind: raw values rank the
    // two wrongly, their extrapolations rightly.
    let fast = Self.curve(floor: 0.40, tau: 3, upTo: 9)
    let slow9 = Self.curve(floor: 0.10, tau: 8, upTo: 9)
    #expect(fast.last!.value < slow9.last!.value)
    let pf = try #require(CurveExtrapolation.predict(fast, at: 81))
    let ps = try #require(CurveExtrapolation.predict(slow9, at: 81))
    #expect(ps < pf)
    // Too few reports: no prediction; a target already reached gives the last value.
    #expect(CurveExtrapolation.predict(Array(slow.prefix(4)), at: 81) == nil)
    #expect(CurveExtrapolation.predict(slow, at: 20) == slow.last!.value)
    // A flat noisy curve is predicted near its level, within one span of the last value.
    let flat = (1...10).map { (step: $0, value: 1.0 + ($0 % 2 == 0 ? 0.01 : -0.01)) }
    let pflat = try #require(CurveExtrapolation.predict(flat, at: 100))
    #expect(abs(pflat - 1) <= 0.03)
  }

  @Test func anExtrapolatingRungJudgesByWhereTheCurveIsHeading() async throws {
    // History: six COMPLETE trials with full curves 1…27; the slow ones end best, so step 9's raw
    // values rank against step 27's and the predictions rank with it.
    let storage = InMemoryStorage()
    let sid = try await storage.createStudy(name: "x", directions: [.minimize])
    for (k, (floor, tau)) in [(0.5, 2.0), (0.45, 2.5), (0.4, 3.0), (0.2, 6.0), (0.15, 7.0), (0.1, 8.0)].enumerated() {
      let c = Self.curve(floor: floor, tau: tau, upTo: 27)
      _ = try await storage.createTrial(study: sid, template: FrozenTrial(
        id: 0, number: k, state: .complete, values: [c.last!.value],
        intermediateValues: OrderedDictionary(uniqueKeysWithValues: c.map { ($0.step, $0.value) })))
    }
    // A new slow starter (floor 0.05, τ 9): behind every history trial at step 9, heading below
    // every fast starter.
    let c = Self.curve(floor: 0.05, tau: 9, upTo: 9)
    let running = try await storage.createTrial(study: sid, template: FrozenTrial(
      id: 0, number: 6, state: .running,
      intermediateValues: OrderedDictionary(uniqueKeysWithValues: c.map { ($0.step, $0.value) })))
    let context = SamplingContext(studyID: sid, studyName: "x", directions: [.minimize], storage: storage,
                                  trials: try await storage.trials(study: sid, filter: .all))
    let others = context.trials.filter { $0.id != running.id }
    #expect(c.last!.value > others.compactMap { $0.intermediateValues[9] }.max()!)
    // Raw step-9 values rank against step 27's: not trusted. Extrapolated ones rank with it.
    #expect(!RungTrust(extrapolates: false).trusts(step: 9, top: 27, trials: others))
    let trust = RungTrust.bohbDefault
    #expect(trust.trusts(step: 9, top: 27, trials: others))
    let judged = try #require(trust.judgedValue(running, step: 9, top: 27))
    #expect(judged < 0.3)  // every fast starter ends at 0.4 or above
    // Successive halving with rungs at 9 and 27: the rung compares the extrapolation and records it.
    let pruner = try SuccessiveHalvingPruner(minResource: 9, reductionFactor: 3, rungTrust: trust)
    #expect(!(try await pruner.shouldPrune(context, trial: running)))
    #expect(try await storage.trial(id: running.id).systemAttrs["completed_rung_0"] == .double(judged))
  }
}
