import Foundation
import HPO
import HPOAnalysis
import OrderedCollections
import Testing

/// Seed groups, seed re-run plans, the return on search and the range advisor.
@Suite struct SeedAndReturnTests {
  static let t0 = Date(timeIntervalSince1970: 1_700_000_000)
  static let unit = Distribution.float(try! FloatDistribution(low: 0, high: 1))
  static let seedDist = Distribution.int(try! IntDistribution(low: 0, high: 5))

  static func trial(
    _ n: Int, _ params: OrderedDictionary<String, ParamValue>, _ value: Double?, state: TrialState = .complete,
    start: Double = 0, seconds: Double = 60, seed: Int? = nil
  ) -> FrozenTrial {
    var sys = OrderedDictionary<String, JSONValue>()
    sys.hpotop.seed = seed
    let dists = OrderedDictionary(uniqueKeysWithValues: params.keys.map { ($0, $0 == "seed" ? seedDist : unit) })
    return FrozenTrial(
      id: Int64(n + 1), number: n, state: state, values: value.map { [$0] }, datetimeStart: t0.addingTimeInterval(start),
      datetimeComplete: t0.addingTimeInterval(start + seconds), params: params, distributions: dists, systemAttrs: sys)
  }

  @Test func groupsRankConfigurationsByMeanAndLeaveTheSeedOut() {
    let trials = [
      Self.trial(0, ["x": .float(0.1), "seed": .int(0)], 0.30),
      Self.trial(1, ["x": .float(0.2), "seed": .int(0)], 0.20),  // best single run
      Self.trial(2, ["x": .float(0.1), "seed": .int(1)], 0.32),
      Self.trial(3, ["x": .float(0.2), "seed": .int(1)], 0.44),
      Self.trial(4, ["x": .float(0.1), "seed": .int(2)], 0.28),
      Self.trial(5, ["x": .float(0.3)], nil, state: .fail),
    ]
    let g = SeedGroups(trials, direction: .minimize)
    #expect(g.seedParam == "seed")
    #expect(g.groups.count == 2)
    // x = 0.1: mean 0.30 over 3 runs beats x = 0.2's 0.32 over 2, though x = 0.2 has the best single run.
    #expect(g.groups[0].trialNumbers == [0, 2, 4])
    #expect(abs(g.groups[0].mean - 0.30) < 1e-12)
    #expect(abs((g.groups[0].sd ?? 0) - 0.02) < 1e-12)
    #expect(g.groups[1].trialNumbers == [1, 3])
    #expect(abs((g.groups[1].sd ?? 0) - 0.24 / 2.squareRoot()) < 1e-12)
    #expect(g.group(ofTrial: 5) == nil)
    // Pooled: (0.0008 + 0.0288) / (2 + 1).
    #expect(abs((g.pooledSD ?? 0) - (0.0296 / 3).squareRoot()) < 1e-12)
  }

  /// PBT segments of one member share its params: they are one run in pieces, never a group.
  @Test func pbtSegmentsAreNotRepeatedRuns() {
    var trials = (0..<3).map { Self.trial($0, ["x": .float(0.1)], 0.3 - 0.01 * Double($0)) }
    for i in trials.indices {
      trials[i].systemAttrs.hpotop.pbtSegment = PBTSegment(
        member: 0, generation: 0, parent: i == 0 ? nil : i - 1, exploitedMember: nil, startStep: 4 * i,
        stopStep: 4 * i + 4, params: ["x": .float(0.1)])
    }
    #expect(SeedGroups(trials, direction: .minimize).groups.isEmpty)
  }

  @Test func rerunPlansNewSeedsWithTheSeedParamOrHPOTOPSeed() throws {
    // With a seed param: the smallest unused values of its range.
    let withParam = [
      Self.trial(0, ["x": .float(0.1), "seed": .int(0)], 0.3),
      Self.trial(1, ["x": .float(0.1), "seed": .int(2)], 0.31),
      Self.trial(2, ["x": .float(0.5), "seed": .int(0)], 0.9),
    ]
    let runs = try SeedReruns.plan(
      trials: withParam, direction: .minimize, top: 1, seeds: 3, distributions: ["x": Self.unit, "seed": Self.seedDist])
    #expect(runs.map { $0.params["seed"] } == [.int(1), .int(3), .int(4)])
    #expect(runs.allSatisfy { $0.params["x"] == .float(0.1) && $0.hpotopSeed == nil })
    // The range runs out.
    #expect(throws: RerunError.self) {
      try SeedReruns.plan(trials: withParam, direction: .minimize, top: 1, seeds: 5, distributions: ["x": Self.unit, "seed": Self.seedDist])
    }
    // Without one: HPOTOP_SEED 1, 2, … skipping seeds already enqueued (the original is seed 0).
    var waiting = Self.trial(3, [:], nil, state: .waiting, seed: 1)
    waiting.systemAttrs["fixed_params"] = .object(["x": .double(0.1)])
    let plain = [Self.trial(0, ["x": .float(0.1)], 0.3), Self.trial(1, ["x": .float(0.7)], 0.5), waiting]
    let runs2 = try SeedReruns.plan(trials: plain, direction: .minimize, top: 2, seeds: 2, distributions: ["x": Self.unit])
    #expect(runs2.map(\.hpotopSeed) == [2, 3, 1, 2])
    #expect(runs2.map { $0.params["x"] } == [.float(0.1), .float(0.1), .float(0.7), .float(0.7)])
    #expect(runs2[0].systemAttrs.hpotop.seed == 2)
  }

  @Test func returnOnSearchOverTheLastQuarterOfCompute() throws {
    // 40 trials of one minute each, one after another; the best improves from 1.0 by 0.01 per
    // trial up to trial 29, then stays: the last quarter (10 trials, 10 minutes) gains nothing.
    var trials: [FrozenTrial] = (0..<40).map { (k: Int) -> FrozenTrial in
      let value: Double = k < 30 ? 1 - 0.01 * Double(k) : 0.9
      return Self.trial(k, ["x": .float(Double(k) / 40)], value, start: Double(k) * 60)
    }
    var r = try #require(ReturnOnSearch(trials, directions: [.minimize]))
    #expect(r.stretchTrials == 10)
    #expect(abs(r.stretchHours - 10.0 / 60) < 1e-9)
    #expect(r.improvement == 0 && r.perHour == 0 && r.share == 0)
    // A late improvement of 0.1 in the last stretch: 0.1 per 1/6 h = 0.6/h, a quarter of the gain.
    trials[39].values = [0.61]
    r = try #require(ReturnOnSearch(trials, directions: [.minimize]))
    #expect(abs(r.improvement - 0.1) < 1e-9)
    #expect(abs(r.perHour - 0.6) < 1e-9)
    #expect(abs((r.share ?? 0) - 0.1 / 0.39) < 1e-9)
    #expect(r.summary(duration: { "\(Int($0.rounded()))s" }).hasPrefix("0.6/compute-h over the last 600s of compute (10 trials, 26% of the gain)"))
    // Too few complete trials, or two objectives: nothing to say.
    #expect(ReturnOnSearch(Array(trials.prefix(9)), directions: [.minimize]) == nil)
    #expect(ReturnOnSearch(trials, directions: [.minimize, .minimize]) == nil)
  }

  @Test func rangeAdviceWhenTheBestCrowdABound() {
    let lr = Distribution.float(try! FloatDistribution(low: 1e-5, high: 0.1, log: true))
    // 30 trials; the 10 best (largest lr) lie within 2.5% of the upper bound on the log scale.
    let trials = (0..<30).map { k -> FrozenTrial in
      let position = k < 10 ? 0.975 + 0.002 * Double(k) : Double(k - 10) / 25
      let v = exp(log(1e-5) + position * (log(0.1) - log(1e-5)))
      var t = Self.trial(k, ["lr": .float(v)], -position)
      t.distributions = ["lr": lr]
      return t
    }
    let advice = RangeAdvice.advise(trials: trials, directions: [.minimize], distributions: ["lr": lr])
    #expect(advice.count == 1)
    #expect(advice.first?.message == "the 10 best lr are within 3% of the upper bound 0.1: widen it")
    #expect(advice.first?.fix == "widen lr's range: high: 1 (now 0.1)")
    // A bound of 0 on a linear scale is a natural limit: nothing to widen.
    let unitTrials: [FrozenTrial] = (0..<30).map { (k: Int) -> FrozenTrial in
      let x: Double = k < 10 ? 0.001 * Double(k) : Double(k) / 30
      return Self.trial(k, ["x": .float(x)], Double(k))
    }
    #expect(RangeAdvice.advise(trials: unitTrials, directions: [.minimize], distributions: ["x": Self.unit]).isEmpty)
  }
}
