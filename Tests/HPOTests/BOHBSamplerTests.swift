import Foundation
import HPO
import OrderedCollections
import Testing

/// BOHB sampler: bounds, model choice by budget, reproducibility, and search quality on a small
/// counting-ones problem (Falkner et al., ICML 2018, §5.1) against random search, both with
/// Hyperband.
@Suite struct BOHBSamplerTests {
  static let space: OrderedDictionary<String, Distribution> = {
    var s = OrderedDictionary<String, Distribution>()
    // The initialisers only throw on invalid ranges; these are valid.
    s["lr"] = .float(try! FloatDistribution(low: 1e-5, high: 1e-1, log: true))
    s["x"] = .float(try! FloatDistribution(low: -2, high: 3))
    s["q"] = .float(try! FloatDistribution(low: 0, high: 1, step: 0.25))
    s["n"] = .int(try! IntDistribution(low: 1, high: 9, step: 2))
    s["units"] = .int(try! IntDistribution(low: 8, high: 512, log: true))
    s["opt"] = .categorical(try! CategoricalDistribution(choices: [.string("adam"), .string("sgd"), .null]))
    return s
  }()

  /// A finished trial with params drawn from `rng` and reports `f(params)·b` at each budget.
  static func trial(_ number: Int, budgets: [Int], rng: inout SeededRNG, state: TrialState = .complete)
    -> FrozenTrial
  {
    var params = OrderedDictionary<String, ParamValue>()
    for (k, d) in space { params[k] = sampleUniformly(d, rng: &rng) }
    let x = params["x"]?.doubleValue ?? 0
    var ivs = OrderedDictionary<Int, Double>()
    for b in budgets { ivs[b] = (x - 1) * (x - 1) + 1 / Double(b) }
    return FrozenTrial(id: Int64(number + 1), number: number, state: state, values: ivs.values.last.map { [$0] },
                       params: params, distributions: space, intermediateValues: ivs)
  }

  static func context(_ trials: [FrozenTrial]) -> SamplingContext {
    SamplingContext(studyID: 1, studyName: "bohb", directions: [.minimize], storage: InMemoryStorage(),
                    trials: trials)
  }

  @Test func proposalsStayWithinBounds() throws {
    var rng = SeededRNG(seed: 1)
    let trials = (0..<60).map { Self.trial($0, budgets: [1, 3, 9], rng: &rng) }
    let sampler = BOHBSampler(seed: 5, randomFraction: 0)
    let c = Self.context(trials)
    var modelBased = 0
    for n in 60..<160 {
      let p = sampler.propose(c, trialNumber: n, searchSpace: Self.space)
      if p.modelBudget != nil { modelBased += 1 }
      for (name, v) in p.params {
        let d = try #require(Self.space[name])
        let iv = try #require(d.toInternal(v), "\(name)=\(v) is not of \(d.kindName)")
        #expect(d.contains(internal: iv), "\(name)=\(v) out of range")
      }
    }
    #expect(modelBased == 100)
  }

  @Test func usesTheLargestBudgetOnceItHasEnoughPoints() throws {
    // d = 2: min points 3; n = 6 gives good = 3 (> 2) and bad = 3 (> 2), n = 5 gives bad = 2.
    var s = OrderedDictionary<String, Distribution>()
    s["a"] = .float(try FloatDistribution(low: 0, high: 1))
    s["b"] = .categorical(try CategoricalDistribution(choices: [.int(0), .int(1)]))
    func t(_ n: Int, _ budgets: [Int], state: TrialState) -> FrozenTrial {
      let a = Double(n % 7) / 7
      let ivs = OrderedDictionary(uniqueKeysWithValues: budgets.map { ($0, a) })
      return FrozenTrial(id: Int64(n + 1), number: n, state: state, values: state == .complete ? [a] : nil,
                         params: ["a": .float(a), "b": .int(n % 2)], distributions: s, intermediateValues: ivs)
    }
    let sampler = BOHBSampler(seed: 3, randomFraction: 0)
    // 6 trials reached 27 (4 pruned there), 5 reached 81: the 81 model is not buildable yet.
    var trials = (0..<5).map { t($0, [9, 27, 81], state: .complete) }
    trials.append(t(5, [9, 27], state: .pruned))
    trials += (6..<9).map { t($0, [9], state: .pruned) }
    var rng = SeededRNG(seed: 0)
    #expect(sampler.model(Self.context(trials), searchSpace: s, rng: &rng)?.budget == 27)
    #expect(sampler.propose(Self.context(trials), trialNumber: 20, searchSpace: s).modelBudget == 27)
    trials.append(t(9, [9, 27, 81], state: .complete))
    #expect(sampler.model(Self.context(trials), searchSpace: s, rng: &rng)?.budget == 81)
    #expect(sampler.propose(Self.context(trials), trialNumber: 20, searchSpace: s).modelBudget == 81)
    // Too few anywhere: no model, random proposal.
    #expect(sampler.model(Self.context(Array(trials.prefix(4))), searchSpace: s, rng: &rng) == nil)
    #expect(sampler.propose(Self.context(Array(trials.prefix(4))), trialNumber: 20, searchSpace: s).params.isEmpty)
    // With min_points_in_model = 10 even the 9-step budget (10 trials) is too small on the bad side.
    let strict = BOHBSampler(seed: 3, minPointsInModel: 10, randomFraction: 0)
    #expect(strict.model(Self.context(trials), searchSpace: s, rng: &rng) == nil)
  }

  @Test func modelPrefersGoodRegion() throws {
    // Loss (x−1)²: the good KDE sits near x = 1, so proposals cluster there.
    var rng = SeededRNG(seed: 2)
    let trials = (0..<120).map { Self.trial($0, budgets: [9], rng: &rng) }
    let sampler = BOHBSampler(seed: 9, randomFraction: 0)
    let xs = (200..<260).compactMap {
      sampler.propose(Self.context(trials), trialNumber: $0, searchSpace: Self.space).params["x"]?.doubleValue
    }
    #expect(xs.count == 60)
    let meanDistance = xs.map { abs($0 - 1) }.reduce(0, +) / Double(xs.count)
    #expect(meanDistance < 0.5)  // uniform on [−2, 3] would give 1.3
  }

  @Test func reproducibleWithASeed() async throws {
    func run(seed: UInt64) async throws -> [OrderedDictionary<String, ParamValue>] {
      let study = try await Study.create(
        name: "repro", storage: InMemoryStorage(), sampler: BOHBSampler(seed: seed),
        pruner: try BOHBSampler.defaultPruner(minResource: 1, maxResource: 27))
      try await study.optimize(limits: OptimizeLimits(nTrials: 40)) { trial in
        let x = try await trial.suggestFloat("x", -2, 2)
        let c = try await trial.suggestCategorical("c", ["a", "b"])
        for step in [1, 3, 9, 27] {
          try await trial.report(x * x + (c == "a" ? 0 : 1) + 1 / Double(step), step: step)
          if step < 27 { try await trial.checkPrune() }
        }
        return [x * x + (c == "a" ? 0 : 1)]
      }
      return try await study.trials().map(\.params)
    }
    let a = try await run(seed: 42)
    #expect(a.count == 40)
    #expect(try await run(seed: 42) == a)
    #expect(try await run(seed: 43) != a)
  }

  @Test func imputesMissingConditionalValues() throws {
    // "m" is present in COMPLETE trials (so it is in the intersection) but a pruned trial lacks it.
    var s = OrderedDictionary<String, Distribution>()
    s["a"] = .float(try FloatDistribution(low: 0, high: 1))
    s["m"] = .float(try FloatDistribution(low: 0, high: 1))
    var trials: [FrozenTrial] = []
    for n in 0..<12 {
      let a = Double(n) / 12
      var params: OrderedDictionary<String, ParamValue> = ["a": .float(a)]
      var dists: OrderedDictionary<String, Distribution> = ["a": s["a"]!]
      let complete = n % 3 != 0
      if complete { params["m"] = .float(0.5); dists["m"] = s["m"]! }
      trials.append(FrozenTrial(id: Int64(n + 1), number: n, state: complete ? .complete : .pruned,
                                values: complete ? [a] : nil, params: params, distributions: dists,
                                intermediateValues: [1: a]))
    }
    let sampler = BOHBSampler(seed: 1, randomFraction: 0)
    var rng = SeededRNG(seed: 0)
    let space = BOHBSampler.intersectionSearchSpace(trials.filter { $0.state == .complete })
    #expect(Array(space.keys) == ["a", "m"])
    let model = try #require(sampler.model(Self.context(trials), searchSpace: space, rng: &rng))
    // Every imputed "m" was copied from a row that has it (all 0.5).
    #expect((model.good.data + model.bad.data).allSatisfy { $0[1] == 0.5 })
  }

  // MARK: Counting ones

  /// Counting ones (Falkner et al. 2018) with 4 binary and 4 continuous dims: at budget b each
  /// x_j contributes the mean of b Bernoulli(x_j) draws; value = −(Σc + Σ estimates), optimum −8.
  /// Draws are incremental, as in bench/optuna/multifidelity.py.
  static func countingOnes(seed: UInt64, sampler: any Sampler, nTrials: Int) async throws -> Double {
    let study = try await Study.create(
      name: "ones-\(seed)", storage: InMemoryStorage(), sampler: sampler,
      pruner: try BOHBSampler.defaultPruner(minResource: 9, maxResource: 243))
    try await study.optimize(limits: OptimizeLimits(nTrials: nTrials)) { trial in
      var c = 0.0
      var xs: [Double] = []
      for i in 0..<4 { c += (try await trial.suggestCategorical("c\(i)", [.int(0), .int(1)])).doubleValue ?? 0 }
      for j in 0..<4 { xs.append(try await trial.suggestFloat("x\(j)", 0, 1)) }
      var rng = SeededRNG(seed: seed, trialNumber: trial.number, purpose: "noise")
      var counts = [Double](repeating: 0, count: 4)
      var prev = 0
      var value = 0.0
      for b in [9, 27, 81, 243] {
        for j in 0..<4 { for _ in prev..<b where rng.uniform() < xs[j] { counts[j] += 1 } }
        prev = b
        value = -(c + counts.reduce(0, +) / Double(b))
        try await trial.report(value, step: b)
        if b < 243 { try await trial.checkPrune() }
      }
      return [value]
    }
    // The true value of the best COMPLETE trial (full budget).
    let best = try #require(try await study.bestTrial())
    let c = (0..<4).compactMap { best.params["c\($0)"]?.doubleValue }.reduce(0, +)
    let x = (0..<4).compactMap { best.params["x\($0)"]?.doubleValue }.reduce(0, +)
    return -(c + x)
  }

  @Test func beatsRandomSearchWithHyperbandOnCountingOnes() async throws {
    var bohb: [Double] = []
    var random: [Double] = []
    for seed in UInt64(0)..<5 {
      bohb.append(try await Self.countingOnes(seed: seed, sampler: BOHBSampler(seed: seed), nTrials: 250))
      random.append(try await Self.countingOnes(seed: seed, sampler: RandomSampler(seed: seed), nTrials: 250))
    }
    let median = { (v: [Double]) in v.sorted()[v.count / 2] }
    print("counting ones, true value of the best trial (optimum -8): bohb \(bohb) random \(random)")
    #expect(median(bohb) < median(random))
  }
}
