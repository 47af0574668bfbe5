import Foundation
import OrderedCollections
import Testing

@testable import HPO

/// The GP's linear algebra against hand-worked results.
@Suite struct GPLinearAlgebraTests {
  // The classic example: A = L Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]].
  let a: [Double] = [4, 12, -16, 12, 37, -43, -16, -43, 98]

  @Test func choleskyOfAKnownMatrix() throws {
    let l = try #require(LinearAlgebra.cholesky(a, n: 3))
    let expected: [Double] = [2, 0, 0, 6, 1, 0, -8, 5, 3]
    for i in 0..<9 { #expect(abs(l[i] - expected[i]) < 1e-12) }
    #expect(LinearAlgebra.cholesky([1, 2, 2, 1], n: 2) == nil)  // indefinite
  }

  @Test func solvesAndInverse() throws {
    let l = try #require(LinearAlgebra.cholesky(a, n: 3))
    let x: [Double] = [1, -2, 0.5]
    let b = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * x[$1] } }
    let solved = LinearAlgebra.solveCholesky(l, n: 3, b)
    for i in 0..<3 { #expect(abs(solved[i] - x[i]) < 1e-9) }
    let inv = LinearAlgebra.inverseFromCholesky(l, n: 3)
    for i in 0..<3 {
      for j in 0..<3 {
        let p = (0..<3).reduce(0.0) { $0 + inv[i * 3 + $1] * a[$1 * 3 + j] }
        #expect(abs(p - (i == j ? 1 : 0)) < 1e-9)
      }
    }
  }

  @Test func expNegativeMatchesFoundationsExp() {
    // Within 2 ulp of libm's exp over the kernel's whole range, at the reduction's edges
    // (multiples of ln 2 / 2) and at 0; past 708 the floor e^{−708}.
    var s = 0.0
    var points: [Double] = [0, 1e-300, 5e-324, 0.5 * log(2.0), 1.5 * log(2.0), 708, 745, 1e6, .infinity]
    while s < 720 { points.append(s); s += 0.0137 }
    for s in points {
      let e = LinearAlgebra.expNegative(s), want = exp(-min(s, 708))
      #expect(abs(e - want) <= 2 * want.ulp, "e^-\(s): \(e) vs \(want)")
    }
    // The batched Matérn against the scalar one, value and derivative.
    var r2: [Double] = (0..<50).map { Double($0) * 0.173 }
    let want = r2.map { 1.7 * GaussianProcess.matern52($0) }
    let wantD = r2.map { 1.7 * GaussianProcess.matern52Derivative($0) }
    var d = [Double](repeating: 0, count: r2.count)
    r2.withUnsafeMutableBufferPointer { rp in
      d.withUnsafeMutableBufferPointer { LinearAlgebra.matern52(rp.baseAddress!, rp.count, scale: 1.7, derivative: $0.baseAddress!) }
    }
    for q in r2.indices {
      #expect(abs(r2[q] - want[q]) < 1e-15 * 4)
      #expect(abs(d[q] - wantD[q]) < 1e-15 * 4)
    }
  }

  @Test func lbfgsFindsRosenbrocksMinimum() {
    let r = LBFGS(pgtol: 1e-8, maxIterations: 1000).minimize([-1.2, 1]) { x in
      let a = 1 - x[0], b = x[1] - x[0] * x[0]
      return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
    }
    #expect(abs(r.x[0] - 1) < 1e-4 && abs(r.x[1] - 1) < 1e-4)
  }

  @Test func lbfgsStopsAtTheBounds() {
    // (x − 2)² + (y + 1)² + xy on [0, 1]²: the minimum is the corner (1, 0).
    let r = LBFGS(pgtol: 1e-9).minimize([0.5, 0.5], bounds: [(0, 1), (0, 1)]) { x in
      ((x[0] - 2) * (x[0] - 2) + (x[1] + 1) * (x[1] + 1) + x[0] * x[1], [2 * (x[0] - 2) + x[1], 2 * (x[1] + 1) + x[0]])
    }
    #expect(r.x == [1, 0])
  }

  @Test func lbfgsAsksForGradientsOnlyAtAcceptedPoints() {
    // Rosenbrock from (−1.2, 1): the deferred-gradient search takes the same steps as the eager
    // one, and computes a gradient at the start and at each accepted point only.
    func rosenbrock(_ x: [Double]) -> (Double, [Double]) {
      let a = 1 - x[0], b = x[1] - x[0] * x[0]
      return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
    }
    let eager = LBFGS(pgtol: 1e-8, maxIterations: 1000).minimize([-1.2, 1]) { rosenbrock($0) }
    var values = 0, gradients = 0
    let lazy = LBFGS(pgtol: 1e-8, maxIterations: 1000).minimizeDeferringGradient([-1.2, 1]) { x in
      values += 1
      let (v, g) = rosenbrock(x)
      return (v, { gradients += 1; return g })
    }
    #expect(lazy.x == eager.x && lazy.iterations == eager.iterations)
    #expect(gradients <= lazy.iterations + 1)
    #expect(values > gradients)  // some trial steps were rejected and cost no gradient
  }

  @Test func blockedInverseMatchesTheDefinition() throws {
    // L⁻¹ and (L Lᵀ)⁻¹ of a 23 × 23 matrix (four-row blocks and a leftover of three) against
    // L L⁻¹ = I and (L Lᵀ)(L Lᵀ)⁻¹ = I.
    var gp = GaussianProcessTests.model(n: 23)
    gp.fit()
    let n = 23
    let k = gp.covariance(gp.params)
    var full = k
    for i in 0..<n { for j in 0..<i { full[j * n + i] = k[i * n + j] } }
    let l = try #require(LinearAlgebra.cholesky(k, n: n))
    let m = LinearAlgebra.inverseLower(l, n: n)
    let inv = LinearAlgebra.inverseFromCholesky(l, n: n)
    for i in 0..<n {
      for j in 0..<n {
        let lm = (0..<n).reduce(0.0) { $0 + l[i * n + $1] * m[$1 * n + j] }
        let ki = (0..<n).reduce(0.0) { $0 + full[i * n + $1] * inv[$1 * n + j] }
        #expect(abs(lm - (i == j ? 1 : 0)) < 1e-9, "L L⁻¹ at \(i), \(j): \(lm)")
        #expect(abs(ki - (i == j ? 1 : 0)) < 1e-6, "K K⁻¹ at \(i), \(j): \(ki)")
        if j > i { #expect(m[i * n + j] == 0) }
      }
    }
  }
}

/// The GP: kernel, marginal likelihood and its gradient, acquisition functions, optimiser.
@Suite struct GaussianProcessTests {
  static func model(n: Int = 12, seed: UInt64 = 3) -> GaussianProcess {
    var rng = SeededRNG(seed: seed)
    var x: [Double] = [], y: [Double] = []
    for _ in 0..<n {
      let p = [rng.uniform(), rng.uniform()]
      x += p
      y.append(sin(6 * p[0]) + cos(4 * p[1]) - p[0] * p[1])
    }
    let (ys, _, _) = GPSampler.standardize(y)
    return GaussianProcess(x: x, y: ys, dim: 2, isCategorical: [false, false], params: .initial(dim: 2))
  }

  @Test func maternKernelValues() {
    #expect(GaussianProcess.matern52(0) == 1)
    let s = 5.0.squareRoot()
    #expect(abs(GaussianProcess.matern52(1) - (1 + s + 5.0 / 3.0) * exp(-s)) < 1e-15)
    // The derivative in r² by central differences.
    for r2 in [0.01, 0.3, 2.0] {
      let h = 1e-6
      let fd = (GaussianProcess.matern52(r2 + h) - GaussianProcess.matern52(r2 - h)) / (2 * h)
      #expect(abs(fd - GaussianProcess.matern52Derivative(r2)) < 1e-7)
    }
    // Categorical dims count 1 when the choices differ, whatever the indices.
    let gp = GaussianProcess(x: [], y: [], dim: 1, isCategorical: [true], params: .initial(dim: 1))
    #expect(gp.sqd(0, 3, dim: 0) == 1 && gp.sqd(2, 2, dim: 0) == 0)
  }

  @Test func marginalLikelihoodGradientMatchesFiniteDifferences() {
    let gp = Self.model()
    for deterministic in [false, true] {
      let raw = [log(2.0), log(0.5), log(1.3), log(0.05)]
      let (v, g) = gp.loss(raw: raw, deterministic: deterministic)
      let p = GaussianProcess.params(raw: raw, dim: 2, deterministic: deterministic)
      let direct = -(gp.logMarginalLikelihood(p) ?? .nan) - GaussianProcess.logPrior(p)
      #expect(abs(v - direct) < 1e-10)
      for k in raw.indices {
        var up = raw, down = raw
        up[k] += 1e-6; down[k] -= 1e-6
        let fd = (gp.loss(raw: up, deterministic: deterministic).value - gp.loss(raw: down, deterministic: deterministic).value) / 2e-6
        #expect(abs(fd - g[k]) < 1e-5 * max(1, abs(fd)), "param \(k): \(fd) vs \(g[k])")
      }
    }
  }

  @Test func resumingAFitKeepsItsParams() {
    // A previous fit's params map back to the raw coordinates they came from (no shift of the
    // noise), except that a noise within 1e-10 of the minimum resumes 1e-10 above it.
    let p = GaussianProcess.Params(inverseSquaredLengthscales: [0.3, 7], kernelScale: 1.7, noiseVariance: 2e-6)
    let back = GaussianProcess.params(raw: GaussianProcess.raw(resuming: p), dim: 2, deterministic: false)
    #expect(abs(back.noiseVariance - p.noiseVariance) < 1e-18)
    #expect(zip(back.inverseSquaredLengthscales, p.inverseSquaredLengthscales).allSatisfy { abs($0 - $1) < 1e-14 })
    var atMinimum = p
    atMinimum.noiseVariance = GaussianProcess.minimumNoise
    let floor = GaussianProcess.params(raw: GaussianProcess.raw(resuming: atMinimum), dim: 2, deterministic: false)
    #expect(abs(floor.noiseVariance - (GaussianProcess.minimumNoise + 1e-10)) < 1e-20)
    // Optuna's start shifts the noise up by 0.01 · min; resuming does not.
    let shifted = GaussianProcess.params(raw: GaussianProcess.raw(atMinimum), dim: 2, deterministic: false)
    #expect(abs(shifted.noiseVariance - 1.01 * GaussianProcess.minimumNoise) < 1e-18)
  }

  @Test func trailingWarpModelIsFittedOnlyWhenItMayWin() {
    // Within the margin of the leader's fitted evidence, or stale, or never fitted: fit it.
    #expect(GPSampler.fitsBoth(stored: -103, leader: -100, age: 1))
    #expect(!GPSampler.fitsBoth(stored: -106, leader: -100, age: 1))
    #expect(GPSampler.fitsBoth(stored: -106, leader: -100, age: GPSampler.refitAfter))
    #expect(GPSampler.fitsBoth(stored: -106, leader: -100, age: nil))
    #expect(GPSampler.fitsBoth(stored: -.infinity, leader: -100, age: 1))
  }

  @Test func fitIncreasesThePosterior() {
    var gp = Self.model()
    let start = GaussianProcess.Params.initial(dim: 2)
    let before = gp.loss(raw: GaussianProcess.raw(start), deterministic: false).value
    gp.fit()
    let after = gp.loss(raw: GaussianProcess.raw(gp.params), deterministic: false).value
    #expect(after < before)
    // The posterior interpolates: at a training point the mean is near the target.
    let post = gp.posterior(Array(gp.x[0..<2]))
    #expect(abs(post.mean - gp.y[0]) < 0.1)
  }

  @Test func acquisitionsMatchClosedForms() {
    // mean 1, variance 4, incumbent 0.5: σ = 2, z = 0.25 (values from Python's math.erfc).
    let ei = Acquisition.ei.evaluate(mean: 1, variance: 4, best: 0.5, beta: 2).value
    #expect(abs(ei - 1.0726893964471604) < 1e-9)
    let logei = Acquisition.logei.evaluate(mean: 1, variance: 4, best: 0.5, beta: 2).value
    #expect(abs(logei - 0.07016894965317758) < 1e-9)
    let pi = Acquisition.pi.evaluate(mean: 1, variance: 4, best: 0.5, beta: 2).value
    #expect(abs(pi - -0.5129840754094305) < 1e-9)
    let ucb = Acquisition.ucb.evaluate(mean: 1, variance: 4, best: 0.5, beta: 2).value
    #expect(abs(ucb - 3.8284271247461903) < 1e-12)
    // LogEI far below the incumbent: the asymptotic branch, and no jump where it starts.
    #expect(abs(Acquisition.logH(-30).0 - -457.72465376059796) < 1e-6)
    #expect(abs(Acquisition.logH(-25.000001).0 - Acquisition.logH(-24.999999).0) < 1e-3)
    // Each derivative in the mean and variance by central differences.
    for kind in Acquisition.allCases {
      for (m, v) in [(0.3, 0.7), (-2.0, 0.2), (1.5, 2.0)] {
        let a = kind.evaluate(mean: m, variance: v, best: 0.4, beta: 2)
        let h = 1e-6
        let dm = (kind.evaluate(mean: m + h, variance: v, best: 0.4, beta: 2).value
          - kind.evaluate(mean: m - h, variance: v, best: 0.4, beta: 2).value) / (2 * h)
        let dv = (kind.evaluate(mean: m, variance: v + h, best: 0.4, beta: 2).value
          - kind.evaluate(mean: m, variance: v - h, best: 0.4, beta: 2).value) / (2 * h)
        #expect(abs(dm - a.dMean) < 1e-5, "\(kind) dMean")
        #expect(abs(dv - a.dVariance) < 1e-5, "\(kind) dVariance")
      }
    }
  }

  @Test func acquisitionGradientMatchesFiniteDifferences() {
    var gp = Self.model()
    gp.fit()
    let acq = AcquisitionFunction(gp: gp, kind: .logei, best: gp.y.max(), beta: 2, constraints: [(gp, 0.1)])
    let x = [0.37, 0.61]
    let g = acq.value(x, gradientDims: [0, 1]).gradient
    for d in 0..<2 {
      var up = x, down = x
      up[d] += 1e-6; down[d] -= 1e-6
      let fd = (acq.value(up).value - acq.value(down).value) / 2e-6
      #expect(abs(fd - g[d]) < 1e-4 * max(1, abs(fd)))
    }
  }

  /// The acquisition optimiser finds the 2-d maximum within 1e-3 of a dense grid's (spacing 1e-3).
  @Test func optimizerFindsTheGridOptimum() throws {
    var gp = Self.model(n: 10, seed: 11)
    gp.fit()
    let acq = AcquisitionFunction(gp: gp, kind: .logei, best: gp.y.max(), beta: 2, constraints: [])
    let space = GPSearchSpace([
      "a": .float(try FloatDistribution(low: 0, high: 1)), "b": .float(try FloatDistribution(low: 0, high: 1)),
    ])
    var rng = SeededRNG(seed: 5)
    let found = AcquisitionOptimizer().maximize(acq, space: space, warmStarts: [], rng: &rng)
    var best = (point: [0.0, 0.0], value: -Double.infinity)
    for i in 0...1000 {
      for j in 0...1000 {
        let p = [Double(i) / 1000, Double(j) / 1000]
        let v = acq.value(p).value
        if v > best.value { best = (p, v) }
      }
    }
    #expect(found.value >= best.value - 1e-9)
    #expect(abs(found.point[0] - best.point[0]) <= 1e-3 && abs(found.point[1] - best.point[1]) <= 1e-3,
            "optimiser \(found.point) vs grid \(best.point)")
  }
}

/// The sampler in a study: startup, reproducibility, parallel workers, stored predictions.
@Suite struct GPSamplerStudyTests {
  private static func branin(_ x1: Double, _ x2: Double) -> Double {
    let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
    let a = x2 - b * x1 * x1 + c * x1 - 6
    return a * a + 10 * (1 - t) * cos(x1) + 10
  }

  private static func run(seed: UInt64, trials: Int = 20, acquisition: Acquisition = .logei) async throws -> Study {
    var o = GPOptions()
    o.acquisition = acquisition
    let study = try await Study.create(name: "b", storage: InMemoryStorage(), sampler: GPSampler(seed: seed, options: o))
    try await study.optimize(limits: OptimizeLimits(nTrials: trials)) { trial in
      let x1 = try await trial.suggestFloat("x1", -5, 10)
      let x2 = try await trial.suggestFloat("x2", 0, 15)
      let k = try await trial.suggestInt("k", 1, 64, log: true)
      let c = try await trial.suggestCategorical("c", [.string("a"), .string("b")])
      return [branin(x1, x2) + (c == .string("b") ? 1 : 0) + Double(k) / 64]
    }
    return study
  }

  @Test func reproducibleAndStoresPredictions() async throws {
    let a = try await Self.run(seed: 4), b = try await Self.run(seed: 4)
    let ta = try await a.trials(states: [.complete]), tb = try await b.trials(states: [.complete])
    #expect(ta.map(\.params) == tb.map(\.params))
    let predicted = ta.filter { $0.hpotop.gpPrediction != nil }
    #expect(predicted.count == 10)  // every trial after the 10 startup ones
    let p = try #require(predicted.last?.hpotop.gpPrediction)
    #expect(p.acquisition == "logei" && p.sd >= 0 && p.mean.isFinite)
    // Every GP trial stores the kernel of each model it fitted (the first one both), and they
    // round-trip through the attrs.
    let first = try #require(predicted.first?.hpotop.gpPrediction)
    #expect(first.kernel?.inverseSquaredLengthscales.count == 4 && first.warpedKernel?.inverseSquaredLengthscales.count == 4)
    #expect(predicted.allSatisfy { $0.hpotop.gpPrediction?.kernel != nil || $0.hpotop.gpPrediction?.warpedKernel != nil })
    var attrs = HpotopAttrs(OrderedDictionary<String, JSONValue>())
    attrs.gpPrediction = first
    #expect(attrs.gpPrediction == first)
    let best = try #require(try await a.bestTrial()?.value)
    #expect(best < 5)
  }

  @Test(arguments: [Acquisition.ei, .ucb, .pi]) func everyAcquisitionRuns(_ kind: Acquisition) async throws {
    let s = try await Self.run(seed: 2, trials: 14, acquisition: kind)
    let t = try await s.trials(states: [.complete])
    #expect(t.last?.hpotop.gpPrediction?.acquisition == kind.rawValue)
  }

  /// Minimise x² + y² subject to x ≥ 0.6: after the startup the GP proposes mostly feasible
  /// points and finds the boundary.
  @Test func constraintsByProbabilityOfFeasibility() async throws {
    let study = try await Study.create(name: "c", storage: InMemoryStorage(), sampler: GPSampler(seed: 5))
    try await study.optimize(limits: OptimizeLimits(nTrials: 25)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      let y = try await trial.suggestFloat("y", 0, 1)
      try await trial.setConstraints([0.6 - x])
      return [x * x + y * y]
    }
    let trials = try await study.trials(states: [.complete])
    let modelled = trials.filter { $0.number >= 10 }
    let feasible = modelled.filter(\.isFeasible)
    #expect(feasible.count * 10 >= modelled.count * 7, "\(feasible.count) of \(modelled.count) feasible")
    let best = try #require(trials.filter(\.isFeasible).compactMap(\.value).min())
    #expect(best < 0.36 + 0.02)
  }

  /// A flat objective, infinite values and a one-choice categorical do not stop the sampler.
  @Test func degenerateHistories() async throws {
    let study = try await Study.create(name: "d", storage: InMemoryStorage(), sampler: GPSampler(seed: 6))
    try await study.optimize(limits: OptimizeLimits(nTrials: 16)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      _ = try await trial.suggestCategorical("only", [.string("a")])
      _ = try await trial.suggestInt("k", 2, 64, step: 2)
      return [trial.number % 5 == 0 ? .infinity : (x > 2 ? x : 1)]
    }
    let trials = try await study.trials(states: [.complete])
    #expect(trials.count == 16)
    #expect(trials.filter { $0.hpotop.gpPrediction != nil }.count == 6)
  }

  @Test func fourRunningTrialsGetDistinctPoints() async throws {
    let study = try await Study.create(name: "p", storage: InMemoryStorage(), sampler: GPSampler(seed: 9))
    try await study.optimize(limits: OptimizeLimits(nTrials: 12)) { trial in
      let x = try await trial.suggestFloat("x", 0, 1)
      let y = try await trial.suggestFloat("y", 0, 1)
      return [(x - 0.3) * (x - 0.3) + (y - 0.6) * (y - 0.6)]
    }
    var trials: [Trial] = []
    var points: [[Double]] = []
    for _ in 0..<4 {
      var t = try await study.ask()
      points.append([try await t.suggestFloat("x", 0, 1), try await t.suggestFloat("y", 0, 1)])
      trials.append(t)
    }
    for i in 0..<4 {
      for j in 0..<i {
        let d = abs(points[i][0] - points[j][0]) + abs(points[i][1] - points[j][1])
        #expect(d > 1e-3, "trials \(j) and \(i) got \(points[i])")
      }
    }
  }
}

extension GPSamplerStudyTests {
  /// In a space of ints, steps and choices no model-based trial repeats a configuration a trial
  /// already has (without the exclusion: 103 repeats in 150 such trials over 5 seeds), the
  /// optimum is still found, and once every point of a 4-point space is taken the GP still proposes one.
  @Test func finiteSpaceProposesNoConfigurationTwice() async throws {
    for seed in UInt64(1)...3 {
      let (study, trials) = try await FiniteSpace.run(GPSampler(seed: seed), trials: 30)
      FiniteSpace.expectNoRepeats(trials, seed: seed) { $0.hpotop.gpPrediction != nil }
      #expect(trials.filter { $0.hpotop.gpPrediction != nil }.count == 20)
      let best = try #require(try await study.bestTrial()?.value)
      #expect(best < 1e-9, "seed \(seed): best \(best), but a=2 b=0.1 c=y gives 0")
    }
    // A 2×2 space, 6 trials: the last ones must repeat, and do.
    var options = GPOptions()
    options.nStartupTrials = 2
    let small = try await Study.create(
      name: "small", storage: InMemoryStorage(), sampler: GPSampler(seed: 1, options: options))
    try await small.optimize(limits: OptimizeLimits(nTrials: 6)) { trial in
      let a = try await trial.suggestInt("a", 0, 1)
      let b = try await trial.suggestInt("b", 0, 1)
      return [Double(a + 2 * b)]
    }
    let smallTrials = try await small.trials(states: [.complete])
    #expect(smallTrials.count == 6)
    #expect(Set(smallTrials.map { pythonDictRepr($0.params) }).count == 4)
  }
}

/// `auto`'s rules on study shapes outside the six public functions, and its recorded choices.
@Suite struct AutoSamplerTests {
  @Test func rulesOnFourOtherShapes() {
    // Six-hump camel: two floats, one objective, slow trials.
    #expect(AutoRules.choose(AutoFacts(dims: 2, trialSeconds: 600)).sampler == "gp")
    // ZDT1: two objectives.
    #expect(AutoRules.choose(AutoFacts(dims: 30, objectives: 2)).sampler == "nsga2")
    // A conditional optimizer/learning-rate space (demos/mixed.yaml's shape).
    #expect(AutoRules.choose(AutoFacts(dims: 4, categoricalDims: 1, conditional: true)).sampler == "tpe")
    // A 50-d sphere.
    #expect(AutoRules.choose(AutoFacts(dims: 50)).sampler == "tpe")
    // An architecture search: mostly categorical.
    #expect(AutoRules.choose(AutoFacts(dims: 5, categoricalDims: 4)).sampler == "tpe")
    // A learning curve with Hyperband, and with the median pruner.
    #expect(AutoRules.choose(AutoFacts(dims: 3, pruner: "hyperband")).sampler == "bohb")
    #expect(AutoRules.choose(AutoFacts(dims: 3, pruner: "median")).sampler == "tpe")
    #expect(AutoRules.choose(AutoFacts(dims: 3, pruner: "nop", trialSeconds: 600)).sampler == "gp")
    // Cheap trials, and past the GP's size limit.
    #expect(AutoRules.choose(AutoFacts(dims: 3, trialSeconds: 0.01)).sampler == "tpe")
    #expect(AutoRules.choose(AutoFacts(dims: 3, trialNumber: 300, trialSeconds: 600)).sampler == "tpe")
  }

  @Test func cmaesRuleOnLargerNumericSpaces() {
    // Rastrigin-10: CMA-ES from 20·10 = 200 trials, the GP below that.
    #expect(AutoRules.choose(AutoFacts(dims: 10, budget: 200, trialSeconds: 600)).sampler == "cmaes")
    #expect(AutoRules.choose(AutoFacts(dims: 10, budget: 199, trialSeconds: 600)).sampler == "gp")
    // Sphere-30: CMA-ES with 600 trials; no budget known: TPE (over the GP's 20 params).
    #expect(AutoRules.choose(AutoFacts(dims: 30, budget: 600)) == ("cmaes", "30 numeric params, 600 trials"))
    #expect(AutoRules.choose(AutoFacts(dims: 30)).sampler == "tpe")
    // Trial hours over the trial cost: 50 h of 10-minute trials is 300 trials for 12 params.
    #expect(AutoRules.choose(AutoFacts(dims: 12, trialSeconds: 600, trialHours: 50)).sampler == "cmaes")
    #expect(AutoRules.choose(AutoFacts(dims: 12, trialSeconds: 600, trialHours: 20)).sampler == "gp")
    // Categorical params do not count: 9 numeric + 3 categorical stays with the GP.
    #expect(AutoRules.choose(AutoFacts(dims: 12, categoricalDims: 3, budget: 1000, trialSeconds: 600)).sampler == "gp")
    // Two objectives win over CMA-ES.
    #expect(AutoRules.choose(AutoFacts(dims: 12, objectives: 2, budget: 1000)).sampler == "nsga2")
  }

  @Test func bohbRuleOnTheStepsBudget() {
    // A learning curve of R = 81 epochs under Hyperband: BOHB from 75 × 81 steps.
    #expect(AutoRules.choose(AutoFacts(dims: 4, pruner: "hyperband", stepBudget: 75 * 81, maxSteps: 81)).sampler == "bohb")
    #expect(AutoRules.choose(AutoFacts(dims: 4, pruner: "hyperband", stepBudget: 74 * 81, maxSteps: 81))
      == ("tpe", "Hyperband pruner, budget 74×R steps under 75×R"))
    // n_trials bounds the steps too (each trial at most R): 40 trials are 40 × R.
    #expect(AutoRules.choose(AutoFacts(dims: 4, budget: 40, pruner: "hyperband", maxSteps: 27)).sampler == "tpe")
    #expect(AutoRules.choose(AutoFacts(dims: 4, budget: 100, pruner: "hyperband", stepBudget: 100_000, maxSteps: 27)).sampler == "bohb")
    // Unbounded, or R not known yet with only a steps budget: BOHB.
    #expect(AutoRules.choose(AutoFacts(dims: 4, pruner: "hyperband")).sampler == "bohb")
    #expect(AutoRules.choose(AutoFacts(dims: 4, pruner: "hyperband", stepBudget: 500)).sampler == "bohb")
  }

  /// A 10-d quadratic with 200 trials: auto records CMA-ES, and CMA-ES runs (its `beforeTrial`,
  /// which claims each trial's generation and individual, is forwarded).
  @Test func tenNumericParamsRunCMAES() async throws {
    let storage = InMemoryStorage()
    let study = try await Study.create(
      name: "c", storage: storage,
      sampler: AutoSampler(seed: 2, facts: AutoFacts(dims: 10, budget: 200), assumedTrialSeconds: 600))
    try await study.optimize(limits: OptimizeLimits(nTrials: 24)) { trial in
      var s = 0.0
      for i in 0..<10 { let x = try await trial.suggestFloat("x\(i)", -2, 2); s += (x - 0.5) * (x - 0.5) * Double(i + 1) }
      return [s]
    }
    let choices = try await storage.studySystemAttrs(study: study.id).hpotop.autoChoices
    #expect(choices.map(\.sampler) == ["cmaes", "cmaes"])
    let trials = try await study.trials(states: [.complete])
    #expect(trials.allSatisfy { $0.hpotop.autoSampler?.hasPrefix("cmaes (10 numeric params, 200 trials") == true })
    // λ = 4 + ⌊3 ln 10⌋ = 10: trials after the first complete one carry CMA-ES generations, and
    // the later ones belong to a generation past the first.
    let generations = trials.compactMap { $0.systemAttrs[CMAKey.generation.rawValue]?.intValue }
    #expect(generations.count >= 20, "generations \(generations)")
    #expect((generations.max() ?? 0) >= 1)
  }

  /// ZDT1 (the built-in, two objectives) in a real study: auto records NSGA-II and runs it.
  @Test func zdt1RunsNSGAII() async throws {
    let zdt1 = try #require(BuiltinObjective.named("zdt1"))
    let space = zdt1.searchSpace()
    let storage = InMemoryStorage()
    let study = try await Study.create(
      name: "z", directions: [.minimize, .minimize], storage: storage,
      sampler: AutoSampler(seed: 3, facts: AutoFacts(space: space, budget: 8, pruner: nil)))
    try await study.optimize(limits: OptimizeLimits(nTrials: 8)) { trial in
      let params = try await space.suggest(in: &trial)
      return zdt1.evaluate(params, trialNumber: trial.number).values
    }
    let choices = try await storage.studySystemAttrs(study: study.id).hpotop.autoChoices
    #expect(choices.map(\.sampler) == ["nsga2"])
    #expect(choices.first?.why == "2 objectives")
    // NSGA-II's beforeTrial ran: every trial carries its generation.
    let trials = try await study.trials(states: [.complete])
    #expect(trials.count == 8 && trials.allSatisfy { $0.systemAttrs[NSGAIISampler.generationKey] != nil })
  }

  @Test func choicesAreRecordedAndFollowedOnResume() async throws {
    let storage = InMemoryStorage()
    func sampler() -> AutoSampler { AutoSampler(seed: 1, facts: AutoFacts(dims: 2), assumedTrialSeconds: 600) }
    let objective: @Sendable (inout Trial) async throws -> [Double] = { trial in
      let x = try await trial.suggestFloat("x", -1, 1)
      let y = try await trial.suggestFloat("y", -1, 1)
      return [x * x + y * y]
    }
    let first = try await Study.create(name: "a", storage: storage, sampler: sampler())
    try await first.optimize(limits: OptimizeLimits(nTrials: 12), objective: objective)
    let summary = try #require(try await storage.studySystemAttrs(study: first.id).hpotop.autoChoices)
    #expect(summary.map(\.sampler) == ["gp", "gp"])
    #expect(summary.map(\.fromTrial) == [0, 10])
    // A second process resumes: it reads the records and writes none of its own.
    let resumed = try await Study.load(name: "a", storage: storage, sampler: sampler())
    try await resumed.optimize(limits: OptimizeLimits(nTrials: 15), objective: objective)
    #expect(try await storage.studySystemAttrs(study: first.id).hpotop.autoChoices == summary)
    let trials = try await resumed.trials(states: [.complete])
    #expect(trials.count == 15)
    #expect(trials.allSatisfy { $0.hpotop.autoSampler?.hasPrefix("gp (2 params") == true })
    #expect(trials.last?.hpotop.gpPrediction != nil)
  }
}
