import Foundation
import OrderedCollections
import Testing

@testable import HPO

/// Branin–Hoo: three global minima of 0.397887 (local copy; the built-ins live elsewhere).
private func branin(_ x1: Double, _ x2: Double) -> Double {
  let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
  let a = x2 - b * x1 * x1 + c * x1 - 6
  return a * a + 10 * (1 - t) * cos(x1) + 10
}

private func bestOnBranin(_ sampler: any Sampler, trials: Int) async throws -> Double {
  let study = try await Study.create(name: "branin", storage: InMemoryStorage(), sampler: sampler)
  try await study.optimize(limits: OptimizeLimits(nTrials: trials)) { trial in
    let x1 = try await trial.suggestFloat("x1", -5, 10)
    let x2 = try await trial.suggestFloat("x2", 0, 15)
    return [branin(x1, x2)]
  }
  return try #require(try await study.bestTrial()?.value)
}

private func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

private func frozen(
  _ number: Int, _ state: TrialState, _ values: [Double]? = nil,
  intermediate: OrderedDictionary<Int, Double> = [:], constraints: [Double]? = nil
) -> FrozenTrial {
  var attrs = OrderedDictionary<String, JSONValue>()
  if let constraints { attrs["constraints"] = .array(constraints.map { .double($0) }) }
  return FrozenTrial(
    id: Int64(number + 1), number: number, state: state, values: values, systemAttrs: attrs,
    intermediateValues: intermediate)
}

@Suite struct TPESamplerTests {
  @Test func findsBraninOptimumBetterThanRandom() async throws {
    var tpe: [Double] = [], random: [Double] = []
    for seed in UInt64(1)...5 {
      tpe.append(try await bestOnBranin(TPESampler(seed: seed), trials: 100))
      random.append(try await bestOnBranin(RandomSampler(seed: seed), trials: 100))
    }
    print("branin best, median of 5 seeds: tpe \(median(tpe)), random \(median(random))")
    #expect(median(tpe) < median(random))
    #expect(median(tpe) < 0.6)
  }

  @Test func constantLiarWithTwoWorkersHasNoDuplicates() async throws {
    let study = try await Study.create(
      name: "liar", storage: InMemoryStorage(), sampler: TPESampler(seed: 9))
    try await study.optimize(limits: OptimizeLimits(nTrials: 50, parallelism: 2)) { trial in
      let x = try await trial.suggestFloat("x", -5, 5)
      let y = try await trial.suggestFloat("y", 0, 1, step: 0.001)
      let c = try await trial.suggestCategorical("c", ["a", "b", "c"])
      await Task.yield()
      return [x * x + y + (c == "a" ? 0 : 1)]
    }
    let trials = try await study.trials()
    #expect(trials.count == 50)
    let configs = trials.map { pythonDictRepr($0.params) }
    #expect(Set(configs).count == 50)
  }

  /// In a space with no continuous param, every model-based trial gets a configuration no earlier
  /// trial has, up to 40 trials in a 48-point space, while the model still finds the optimum.
  /// (The 10 random startup trials may repeat one another, as Optuna's do.)
  @Test func finiteSpaceProposesNoConfigurationTwice() async throws {
    for seed in UInt64(1)...5 {
      let (study, trials) = try await FiniteSpace.run(TPESampler(seed: seed), trials: 40)
      #expect(trials.count == 40)
      FiniteSpace.expectNoRepeats(trials, seed: seed) { $0.number >= 10 }
      let best = try #require(try await study.bestTrial()?.value)
      #expect(best < 1e-9, "seed \(seed): best \(best), but a=2 b=0.1 c=y gives 0")
    }
  }

  @Test func runningTrialsGoAboveWithConstantLiar() {
    let trials = [
      frozen(0, .complete, [3]), frozen(1, .running), frozen(2, .complete, [1]),
      frozen(3, .complete, [2]), frozen(4, .fail),
    ]
    let split = TPESampler.splitTrials(trials, pool: [0, 1, 2, 3], directions: [.minimize], nBelow: 2)
    #expect(split.below == [2, 3])
    #expect(split.above == [0, 1])
  }

  @Test func prunedAndInfeasibleTrialsFillTheGoodSetInOrder() {
    let trials = [
      frozen(0, .complete, [5]),
      frozen(1, .pruned, intermediate: [1: 0.1]),
      frozen(2, .pruned, intermediate: [1: 9, 3: 7]),
      frozen(3, .pruned, intermediate: [3: .nan]),
      frozen(4, .pruned),
      frozen(5, .complete, [0], constraints: [2, -1]),
      frozen(6, .complete, [0], constraints: [0.5]),
      frozen(7, .complete, [1], constraints: [-1]),
    ]
    let all = Array(trials.indices)
    // Feasible complete first (7, 0), then pruned by (−step, value): 2, 3, 1, 4, then infeasible.
    func below(_ n: Int) -> [Int] {
      TPESampler.splitTrials(trials, pool: all, directions: [.minimize], nBelow: n).below
    }
    #expect(below(2) == [0, 7])
    #expect(below(3) == [0, 2, 7])
    #expect(below(4) == [0, 2, 3, 7])
    #expect(below(5) == [0, 1, 2, 3, 7])
    #expect(below(6) == [0, 1, 2, 3, 4, 7])
    #expect(below(7) == [0, 1, 2, 3, 4, 6, 7])
    let maximize = TPESampler.splitTrials(trials, pool: all, directions: [.maximize], nBelow: 1)
    #expect(maximize.below == [0])
  }

  @Test func multiObjectiveSplitUsesRanksThenHypervolume() {
    // Rank 0: (0,4) (1,1) (4,0); rank 1: (2,5) (3,3) (5,2); rank 2: (6,6).
    let values: [[Double]] = [[0, 4], [1, 1], [4, 0], [2, 5], [3, 3], [5, 2], [6, 6]]
    let trials = values.enumerated().map { frozen($0.offset, .complete, $0.element) }
    let all = Array(trials.indices)
    let d: [StudyDirection] = [.minimize, .minimize]
    #expect(TPESampler.splitTrials(trials, pool: all, directions: d, nBelow: 3).below == [0, 1, 2])
    let four = TPESampler.splitTrials(trials, pool: all, directions: d, nBelow: 4).below
    #expect(four.count == 4 && Set([0, 1, 2]).isSubset(of: four))
    #expect(four.contains(4))  // (3,3) has the largest contribution in rank 1
    let flipped = TPESampler.splitTrials(
      trials.map { var t = $0; t.values = t.values.map { $0.map { -$0 } }; return t },
      pool: all, directions: [.maximize, .maximize], nBelow: 3)
    #expect(flipped.below == [0, 1, 2])
  }

  @Test func hypervolumeIsExactIn2DAnd3D() {
    let hv2 = Hypervolume.compute([[1, 3], [2, 2], [3, 1]], reference: [4, 4])
    #expect(abs(hv2 - 6) < 1e-12)
    let hv3 = Hypervolume.compute([[1, 1, 1]], reference: [2, 3, 4])
    #expect(abs(hv3 - 6) < 1e-12)
    let two = Hypervolume.compute([[0, 0, 1], [0, 1, 0]], reference: [1, 2, 2])
    // Boxes 1·2·1 and 1·1·2 overlapping in 1·1·1.
    #expect(abs(two - 3) < 1e-12)
    let pick = HypervolumeSubset.select([[0, 4], [1, 1], [4, 0], [2, 2]], size: 1, reference: [5, 5])
    #expect(pick == [1])
  }

  @Test func defaultsMatchOptuna() {
    #expect(TPEOptions.defaultGamma(0) == 0)
    #expect(TPEOptions.defaultGamma(11) == 2)
    #expect(TPEOptions.defaultGamma(1000) == 25)
    #expect(TPEOptions.defaultGammaMultiObjective(1000) == 100)
    #expect(TPEOptions.defaultWeights(3) == [1, 1, 1])
    let w = TPEOptions.defaultWeights(30)
    #expect(w.count == 30 && abs(w[0] - 1.0 / 30) < 1e-15 && w[4] == 1 && w[29] == 1)
    #expect(abs(w[2] - (1.0 / 30 + (1 - 1.0 / 30) * 0.5)) < 1e-15)
    let o = TPEOptions()
    #expect(o.nStartupTrials == 10 && o.nEICandidates == 24 && o.priorWeight == 1)
    #expect(o.considerMagicClip && !o.considerEndpoints && o.constantLiar && o.multivariate == nil)
  }

  @Test func truncatedNormalMath() {
    #expect(abs(exp(TruncNorm.logGaussMass(-1, 1)) - 0.6826894921370859) < 1e-14)
    #expect(abs(TruncNorm.logGaussMass(-40, -39) - TruncNorm.logNdtr(-39)) < 1e-6)
    #expect(abs(TruncNorm.logNdtr(-30) - (-454.3212439955)) < 1e-6)
    #expect(TruncNorm.logGaussMass(50, 51).isFinite)
    for p in [1e-300, 1e-20, 1e-5, 0.01, 0.3, 0.5, 0.77, 0.999, 1 - 1e-12] {
      let x = TruncNorm.ndtri(p)
      #expect(abs(TruncNorm.ndtr(x) - p) <= 1e-13 * max(p, 1e-300) + 1e-300, "p = \(p)")
    }
    var rng = SeededRNG(seed: 1)
    for (a, b) in [(-1.0, 1.0), (-100.0, -99.0), (3.0, 3.5), (-0.1, 80.0), (40.0, 41.0)] {
      var mean = 0.0
      for _ in 0..<200 {
        let z = TruncNorm.sample(a, b, rng.uniform())
        #expect(z >= a && z <= b)
        mean += z / 200
      }
      #expect(mean > a && mean < b)
    }
  }

  @Test func parzenEstimatorBandwidthsAndDensity() {
    let dim = KernelDim(.float(try! FloatDistribution(low: 0, high: 10)))
    let pe = ParzenEstimator(
      dims: [dim], observations: [2, 3, 7], n: 3, weights: [1, 1, 1], priorWeight: 1,
      magicClip: true, endpoints: false)
    // The density integrates to ~1 over the range.
    var integral = 0.0
    let steps = 20000
    var grid: [Double] = []
    for i in 0..<steps { grid.append(10 * (Double(i) + 0.5) / Double(steps)) }
    for v in pe.logPdf(grid, count: steps) { integral += exp(v) * 10 / Double(steps) }
    #expect(abs(integral - 1) < 1e-6)
    // Categorical: a smoothed one-hot per observation and a uniform prior row.
    let cat = KernelDim(.categorical(try! CategoricalDistribution(choices: [.int(0), .int(1), .int(2)])))
    let pc = ParzenEstimator(
      dims: [cat], observations: [0, 0], n: 2, weights: [1, 1], priorWeight: 1, magicClip: true,
      endpoints: false)
    let probs = pc.logPdf([0, 1, 2], count: 3).map { exp($0) }
    #expect(abs(probs.reduce(0, +) - 1) < 1e-12)
    // Rows: (1 + 1/3)/2 on the observed choice; the prior row is uniform.
    let expected0 = 2.0 / 3 * ((1 + 1.0 / 3) / 2) + 1.0 / 3 * (1.0 / 3)
    #expect(abs(probs[0] - expected0) < 1e-12)
    // Discrete: probabilities of the grid points sum to 1.
    let ints = KernelDim(.int(try! IntDistribution(low: 1, high: 6)))
    let pi = ParzenEstimator(
      dims: [ints], observations: [2, 2, 5], n: 3, weights: [1, 1, 1], priorWeight: 1,
      magicClip: true, endpoints: false)
    let pmf = pi.logPdf([1, 2, 3, 4, 5, 6], count: 6).map { exp($0) }
    #expect(abs(pmf.reduce(0, +) - 1) < 1e-12)
  }

  @Test func multiObjectiveAndGroupRunInRange() async throws {
    let study = try await Study.create(
      name: "mo", directions: [.minimize, .maximize], storage: InMemoryStorage(),
      sampler: TPESampler(seed: 4))
    try await study.optimize(limits: OptimizeLimits(nTrials: 40)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      let k = try await trial.suggestInt("k", 1, 64, log: true)
      return [x * x + Double(k) / 64, x]
    }
    let trials = try await study.trials()
    #expect(trials.count == 40 && trials.allSatisfy { $0.state == .complete })
    let grouped = try await Study.create(
      name: "g", storage: InMemoryStorage(), sampler: TPESampler(seed: 4, options: TPEOptions(group: true)))
    try await grouped.optimize(limits: OptimizeLimits(nTrials: 40)) { trial in
      let kind = try await trial.suggestCategorical("kind", ["svm", "tree"])
      if kind == "svm" { return [try await trial.suggestFloat("c", 1e-3, 1e3, log: true)] }
      return [Double(try await trial.suggestInt("depth", 1, 10))]
    }
    let g = try await grouped.trials()
    #expect(g.count == 40 && g.allSatisfy { $0.state == .complete })
    // With groups, the conditional params are modelled too: after startup most trials go to the
    // better branch (c near 1e-3 beats depth ≥ 1).
    let late = g.suffix(20).filter { $0.params["kind"] == .string("svm") }.count
    #expect(late >= 12)
  }

  /// The observation cache (kernel-space rows kept across calls, sorted lists filtered for a
  /// big fit, a sort for a small one) gives a sampler that has followed a study from its start
  /// the same proposals as a fresh one, on a space with ties in every kind of dimension.
  @Test func proposalsAreTheSameWithAWarmOrAColdObservationCache() throws {
    let space: OrderedDictionary<String, Distribution> = [
      "a": .float(try FloatDistribution(low: 1e-4, high: 1, log: true)),
      "b": .float(try FloatDistribution(low: -1, high: 1)),
      "c": .int(try IntDistribution(low: 1, high: 8)),
      "d": .float(try FloatDistribution(low: 0, high: 1, step: 0.1)),
      "e": .categorical(try CategoricalDistribution(choices: ["x", "y", "z"].map(ParamValue.string))),
      "f": .int(try IntDistribution(low: 1, high: 64, log: true)),
    ]
    var rng = SeededRNG(seed: 5)
    var trials: [FrozenTrial] = []
    for i in 0..<600 {
      var params = OrderedDictionary<String, ParamValue>()
      for (k, d) in space { params[k] = sampleUniformly(d, rng: &rng) }
      trials.append(FrozenTrial(
        id: Int64(i + 1), number: i, state: .complete, values: [rng.uniform()], params: params,
        distributions: space))
    }
    func propose(_ sampler: inout TPESampler, upTo n: Int) -> OrderedDictionary<String, ParamValue> {
      let current = FrozenTrial(id: Int64(n + 1), number: n, state: .running)
      let context = SamplingContext(
        studyID: 1, studyName: "cache", directions: [.minimize], storage: InMemoryStorage(),
        trials: Array(trials.prefix(n)) + [current])
      return sampler.sample(context, trial: current, space: space, purpose: "tpe:relative")
    }
    // A fit from the cache (kernel-space rows, argsorts from its sorted lists) is the fit from
    // the plain internal values (its own sort): the same densities and draws, to the bit.
    let dims = space.values.map(KernelDim.init)
    var cache = ObservationCache(width: dims.count)
    let (obs, n, orders) = cache.gather(
      trials, Array(trials.indices), key: SpaceKey(names: Array(space.keys), distributions: Array(space.values)),
      dims: dims, extra: { _ in nil })
    #expect(n == 600 && orders != nil)
    let plainObs = space.values.enumerated().flatMap { d, dist in
      trials.map { dist.toInternal($0.params[Array(space.keys)[d]]!)! }
    }
    let fromCache = ParzenEstimator(
      dims: dims, observations: obs, n: n, weights: TPEOptions.defaultWeights(n), priorWeight: 1,
      magicClip: true, endpoints: false, sortedOrders: orders, kernelSpace: true)
    let plain = ParzenEstimator(
      dims: dims, observations: plainObs, n: n, weights: TPEOptions.defaultWeights(n), priorWeight: 1,
      magicClip: true, endpoints: false)
    var r1 = SeededRNG(seed: 3), r2 = SeededRNG(seed: 3)
    let points = fromCache.sample(count: 48, rng: &r1)
    #expect(points == plain.sample(count: 48, rng: &r2))
    #expect(fromCache.logPdf(points, count: 48) == plain.logPdf(points, count: 48))

    var warm = TPESampler(seed: 9)
    for n in stride(from: 50, through: 600, by: 50) {
      let followed = propose(&warm, upTo: n)
      var cold = TPESampler(seed: 9)
      #expect(followed == propose(&cold, upTo: n), "after \(n) trials")
      #expect(followed.count == space.count)
    }
  }

  @Test func startupTrialsMatchRandomSampler() async throws {
    func params(_ sampler: any Sampler) async throws -> [OrderedDictionary<String, ParamValue>] {
      let study = try await Study.create(name: "s", storage: InMemoryStorage(), sampler: sampler)
      try await study.optimize(limits: OptimizeLimits(nTrials: 10)) { trial in
        [try await trial.suggestFloat("x", -1, 1) + Double(try await trial.suggestInt("n", 0, 9))]
      }
      return try await study.trials().map(\.params)
    }
    #expect(try await params(TPESampler(seed: 77)) == params(RandomSampler(seed: 77)))
  }
}

@Suite struct FastExpTests {
  @Test func expNonPositiveMatchesFoundationExp() {
    var worst = 0.0
    var x = 0.0
    while x > -745 {
      let e = Foundation.exp(max(x, -708)), f = TruncNorm.expNonPositive(x)
      worst = max(worst, abs(f - e) / e)
      x -= 0.0137
    }
    #expect(worst < 1e-15, "relative error \(worst)")
    #expect(TruncNorm.expNonPositive(0) == 1)
    #expect(TruncNorm.expNonPositive(-.infinity) < 1e-300)
    #expect(TruncNorm.expNonPositive(.nan) < 1e-300)
  }
}
