import Foundation
import HPO
import HPOAnalysis
import Testing

/// `ForestSobol` against analytic Sobol indices (issue 23). Inputs are uniform on [0, 1]; the
/// Ishigami function maps them to [−π, π].
@Suite struct ForestSobolTests {
  /// Ishigami (a = 7, b = 0.1): S = (0.3139, 0.4424, 0), S₁₃ = 0.2437, T = (0.5576, 0.4424, 0.2437).
  static let ishigami: @Sendable ([Double]) -> Double = { u in
    let x = u.map { -Double.pi + 2 * Double.pi * $0 }
    return sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0])
  }

  @Test func ishigamiMainEffectsInteractionsAndTotals() throws {
    let input = try uniformStudy(n: 1000, d: 3, seed: 7, f: Self.ishigami)
    let s = ForestSobol(options: .init(replicates: 0)).evaluate(ImportanceDataset(input))
    #expect(s.params == ["x0", "x1", "x2"])
    let shares = [0.41504, 0.58496, 0]
    for j in 0..<3 {
      #expect(abs(s.shares[j].value - shares[j]) <= 0.03, "share x\(j): \(s.shares[j].value) vs \(shares[j])")
    }
    let first = [0.31391, 0.44241, 0]
    for j in 0..<3 { #expect(abs(s.firstOrder[j].value - first[j]) <= 0.04, "S x\(j): \(s.firstOrder[j].value)") }
    let x02 = try #require(s.interaction("x2", "x0"))
    #expect(abs(x02.value - 0.24368) <= 0.05, "S02 \(x02.value)")
    #expect(try #require(s.interaction("x0", "x1")).value <= 0.05)
    #expect(try #require(s.interaction("x1", "x2")).value <= 0.05)
    // x2 acts only together with x0: no main effect, a large total effect.
    let total = [0.55759, 0.44241, 0.24368]
    for j in 0..<3 { #expect(abs(s.total[j].value - total[j]) <= 0.07, "T x\(j): \(s.total[j].value)") }
  }

  /// Sobol G, a = (0, 1, 4.5, 9): a weak multiplicative param (x2, share 0.026) is found, which
  /// Optuna's fANOVA misses.
  @Test func sobolGFindsWeakParams() throws {
    let a: [Double] = [0, 1, 4.5, 9]
    let input = try uniformStudy(n: 1000, d: 4, seed: 3) { (u: [Double]) -> Double in
      var p = 1.0
      for i in 0..<4 { p *= (abs(4 * u[i] - 2) + a[i]) / (1 + a[i]) }
      return p
    }
    let v: [Double] = a.map { (ai: Double) -> Double in 1 / (3 * (1 + ai) * (1 + ai)) }
    let sum = v.reduce(0, +)
    let s = ForestSobol(options: .init(replicates: 0)).evaluate(ImportanceDataset(input))
    for j in 0..<4 {
      #expect(abs(s.shares[j].value - v[j] / sum) <= 0.02, "share x\(j): \(s.shares[j].value) vs \(v[j] / sum)")
    }
    #expect(s.shares[2].value > 0.012)
  }

  /// Interval coverage on a small fixed case: 10 data sets of 300 trials of an additive function
  /// (shares 16/21, 4/21, 1/21, 0); the 90% intervals cover the analytic share in ≥ 90% of the
  /// 40 (data set, param) cases and are narrower than 0.15 in the median.
  @Test func intervalsCoverTheAnalyticShares() throws {
    let shares = [16.0, 4, 1, 0].map { $0 / 21 }
    var covered = 0, cases = 0
    var widths: [Double] = []
    for seed in 0..<10 {
      let input = try uniformStudy(n: 300, seed: UInt64(100 + seed)) { 4 * $0[0] + 2 * $0[1] + $0[2] }
      let s = ForestSobol(options: .init(replicates: 12)).evaluate(ImportanceDataset(input))
      for j in 0..<4 {
        let e = s.shares[j]
        #expect(e.low <= e.value && e.value <= e.high)
        if e.low - 1e-12 <= shares[j] && shares[j] <= e.high + 1e-12 { covered += 1 }
        widths.append(e.high - e.low)
        cases += 1
      }
    }
    widths.sort()
    #expect(Double(covered) >= 0.9 * Double(cases), "coverage \(covered)/\(cases)")
    #expect(widths[widths.count / 2] <= 0.15, "median width \(widths[widths.count / 2])")
  }

  /// Pairs and totals out of the bench's sample: f = 2x₀ + x₁ + 6x₀x₂ on [0, 1]⁴ (S₀₂ = 3/38,
  /// T = (28, 1, 12, 0)/38; not a function the interval method was chosen on), 10 data sets of
  /// 500 trials: the 90% intervals of every pair and total cover the analytic value in ≥ 90% of
  /// the cases, median width ≤ 0.1.
  @Test func pairAndTotalIntervalsCoverAFunctionOutsideTheBench() throws {
    let pairTruth: [String: Double] = ["x0x1": 0, "x0x2": 3.0 / 38, "x0x3": 0, "x1x2": 0, "x1x3": 0, "x2x3": 0]
    let totalTruth = [28.0, 1, 12, 0].map { $0 / 38 }
    var covered = 0, cases = 0
    var widths: [Double] = []
    for seed in 0..<10 {
      let input = try uniformStudy(n: 500, seed: UInt64(200 + seed)) { 2 * $0[0] + $0[1] + 6 * $0[0] * $0[2] }
      let s = ForestSobol(options: .init(replicates: 12)).evaluate(ImportanceDataset(input))
      var checks: [(Estimate, Double)] = s.pairs.map { ($0.index, pairTruth[$0.first + $0.second] ?? -1) }
      checks += zip(s.total, totalTruth).map { ($0, $1) }
      for (e, truth) in checks {
        #expect(e.low <= e.value && e.value <= e.high)
        if e.low - 1e-12 <= truth && truth <= e.high + 1e-12 { covered += 1 }
        widths.append(e.high - e.low)
        cases += 1
      }
    }
    widths.sort()
    #expect(cases == 100)
    #expect(Double(covered) >= 0.9 * Double(cases), "coverage \(covered)/\(cases)")
    #expect(widths[widths.count / 2] <= 0.1, "median width \(widths[widths.count / 2])")
  }

  @Test func categoricalParamsUseTheirChoices() throws {
    // y depends on the choice only: the categorical takes the whole main effect. Choices are
    // balanced (first-order indices divide by the trials' variance; the grid weighs choices equally).
    let cat = Distribution.categorical(try CategoricalDistribution(choices: [.string("a"), .string("b"), .string("c")]))
    let flt = Distribution.float(try FloatDistribution(low: 0, high: 1))
    var rng = SeededRNG(seed: 5)
    let trials = (0..<300).map { i -> FrozenTrial in
      let c = i % 3, x = rng.uniform()
      return trial(i, values: [[0.0, 5, 10][c] + 0.01 * x], params: [("c", .string(["a", "b", "c"][c]), cat), ("x", .float(x), flt)])
    }
    let s = ForestSobol(options: .init(replicates: 0)).evaluate(
      ImportanceDataset(AnalysisInput(trials: trials, directions: [.minimize])))
    #expect(s.params == ["c", "x"])
    #expect(s.shares[0].value > 0.99, "\(s.shares)")
    #expect(abs(s.firstOrder[0].value - 1) <= 0.02)
  }
  /// A model-based sampler's trials: a few spread over the space, most packed near the optimum,
  /// where they vary far less than the objective over the space. The indices stay fractions of
  /// the objective's variance over the space: before, every one divided by the trials' variance
  /// came out 1 (both params' first-order, the unused param's total and its pairs).
  @Test func trialsConcentratedByASamplerGiveFractionsOfTheSpacesVariance() throws {
    var rng = SeededRNG(seed: 11)
    let flt = Distribution.float(try FloatDistribution(low: 0, high: 1))
    let trials = (0..<300).map { i -> FrozenTrial in
      let spread = i < 30
      let x0 = spread ? rng.uniform() : 0.25 + 0.1 * rng.uniform()
      let x1 = spread ? rng.uniform() : 0.25 + 0.1 * rng.uniform()
      let unused = rng.uniform()
      let y = 10 * (x0 - 0.3) * (x0 - 0.3) + 10 * (x1 - 0.3) * (x1 - 0.3)
      return trial(i, values: [y], params: [("x0", .float(x0), flt), ("x1", .float(x1), flt), ("unused", .float(unused), flt)])
    }
    let s = ForestSobol(options: .init(replicates: 8)).evaluate(
      ImportanceDataset(AnalysisInput(trials: trials, directions: [.minimize])))
    #expect(s.params == ["unused", "x0", "x1"])
    let first = s.firstOrder.map(\.value)
    #expect(first[1] < 1 && first[2] < 1, "first order \(first)")
    // Analytic: 0.5 and 0.5. The forest's residual corrections come from the packed trials, so
    // the main effects are over-estimated here (0.57 and 0.73), but no longer saturate.
    #expect(first.reduce(0, +) <= 1.4, "first order \(first)")
    #expect(abs(s.shares[1].value - 0.5) <= 0.15, "shares \(s.shares)")
    #expect(s.total[0].value <= 0.1, "unused total \(s.total[0])")
    for other in ["x0", "x1"] {
      #expect(try #require(s.interaction("unused", other)).value <= 0.1)
    }
  }
}
