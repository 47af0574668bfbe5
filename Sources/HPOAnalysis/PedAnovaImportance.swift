import Foundation
import HPO

/// PED-ANOVA importances (Watanabe et al., IJCAI 2023; Optuna's `PedAnovaImportanceEvaluator`):
/// what matters among the good trials. For each param, the Pearson divergence between its
/// distribution among the top `targetQuantile` of trials and among the top `regionQuantile`
/// (both as Parzen estimators with Scott's bandwidth on a grid of at most 50 points), scaled by
/// (target count / region count)². A param whose values in the good trials look like its values
/// everywhere scores 0.
///
/// As in Optuna 5.0, every param of a COMPLETE trial is assessed, conditional ones too: the trials
/// are split into regimes by the param's distribution (absent is a regime of its own), and each
/// regime with at least two trials adds its divergence weighted by α²/β (its share of the target
/// and of the region trials). One difference: a study with several objectives ranks trials by
/// objective `objective` (Optuna ranks them by Pareto front and hypervolume when no target is given).
public struct PedAnovaImportance: Sendable, Hashable {
  /// γ' in the paper: the top quantile whose importance is measured.
  public var targetQuantile: Double
  /// γ: the top quantile the target is compared with (1: all trials).
  public var regionQuantile: Double
  /// Compare with the region's own value distribution (true) or with a uniform one over the range.
  public var evaluateOnLocal: Bool

  /// Grid points per numeric param, the prior's weight and the fewest trials per regime (Optuna's
  /// fixed settings).
  static let gridSteps = 50
  static let priorWeight = 1.0
  static let minTrialsInRegime = 2

  public init(targetQuantile: Double = 0.1, regionQuantile: Double = 1.0, evaluateOnLocal: Bool = true) {
    self.targetQuantile = targetQuantile
    self.regionQuantile = regionQuantile
    self.evaluateOnLocal = evaluateOnLocal
  }

  /// Importances of `params` (default: every param of a COMPLETE trial) for objective `objective`
  /// (its direction says which end is good) or for `target` (lower is better, as in Optuna).
  public func evaluate(
    _ input: AnalysisInput, params requested: [String]? = nil, objective: Int = 0,
    target: (@Sendable (FrozenTrial) -> Double?)? = nil
  ) -> ParamImportances {
    let complete = input.trials.filter { $0.state == .complete }
    let names = requested ?? Array(Set(complete.flatMap(\.distributions.keys))).sorted()
    let sign = target == nil && objective < input.directions.count && input.directions[objective] == .maximize ? -1.0 : 1.0
    var losses: [Double] = []
    var trials: [FrozenTrial] = []
    for t in complete {
      let value: Double?
      if let target {
        value = target(t)
      } else if let values = t.values, values.allSatisfy(\.isFinite), objective < values.count {
        value = values[objective]
      } else {
        value = nil
      }
      guard let value, value.isFinite else { continue }
      losses.append(sign * value)
      trials.append(t)
    }
    guard trials.count > 1 else {
      return ParamImportances(names: names, raw: names.map { _ in 0 }, trialCount: trials.count)
    }
    let targetIDs = Self.top(losses, targetQuantile)
    let regionIDs = Self.top(losses, regionQuantile)
    guard !targetIDs.isEmpty else {
      return ParamImportances(names: names, raw: names.map { _ in 0 }, trialCount: trials.count)
    }
    let isTarget = Set(targetIDs)
    let region = regionIDs.map { trials[$0] }
    let regionIsTarget = regionIDs.map { isTarget.contains($0) }
    let ratio = Double(targetIDs.count) / Double(regionIDs.count)
    let raw = names.map { name -> Double in
      // Regimes by the param's distribution, in first-seen order (nil: the param is absent).
      var regimes: [(dist: Distribution?, members: [Int])] = []
      for (k, t) in region.enumerated() {
        let d = t.distributions[name]
        if let r = regimes.firstIndex(where: { $0.dist == d }) { regimes[r].members.append(k) } else { regimes.append((d, [k])) }
      }
      var sum = 0.0
      for regime in regimes where regime.members.count >= Self.minTrialsInRegime {
        guard let dist = regime.dist, !dist.isSingle else { continue }
        let top = regime.members.filter { regionIsTarget[$0] }
        guard !top.isEmpty else { continue }
        let alpha = Double(top.count) / Double(targetIDs.count)
        let beta = Double(regime.members.count) / Double(region.count)
        let divergence = Self.pearsonDivergence(
          name, dist, target: top.map { region[$0] }, region: regime.members.map { region[$0] },
          local: evaluateOnLocal)
        sum += alpha * alpha / beta * divergence
      }
      return sum * ratio * ratio
    }
    return ParamImportances(names: names, raw: raw, trialCount: trials.count)
  }

  /// Indices of the trials whose loss is at most the `q`-quantile's (the ⌈q·n⌉-th smallest; ties
  /// are kept), in trial order. `q = 1` keeps every trial.
  static func top(_ losses: [Double], _ q: Double) -> [Int] {
    if q >= 1 { return Array(losses.indices) }
    let k = max(0, Int((q * Double(losses.count)).rounded(.up)) - 1)
    let cutoff = losses.sorted()[min(k, losses.count - 1)]
    return losses.indices.filter { losses[$0] <= cutoff }
  }

  /// Σ_g p_region(g) (p_target(g) / p_region(g) − 1)² over the grid of the param.
  static func pearsonDivergence(
    _ name: String, _ dist: Distribution, target: [FrozenTrial], region: [FrozenTrial], local: Bool
  ) -> Double {
    let top = ParzenGrid(name, dist, target).pdf.map { $0 + 1e-12 }
    let base = local ? ParzenGrid(name, dist, region).pdf.map { $0 + 1e-12 } : [Double](repeating: 1 / Double(top.count), count: top.count)
    var d = 0.0
    for g in top.indices {
      let r = top[g] / base[g] - 1
      d += base[g] * r * r
    }
    return d
  }
}

/// A one-dimensional Parzen estimator of a param's values on a grid (Optuna's
/// `build_parzen_estimator_on_grid`): numbers are counted into at most 50 equally spaced points
/// (log-spaced for log params, fewer for small integer or stepped ranges) and smoothed by
/// discretised truncated normals of Scott's bandwidth plus a wide prior kernel; categoricals
/// mix each seen choice with a uniform prior.
struct ParzenGrid {
  /// The density at each grid point (sums to 1).
  let pdf: [Double]

  init(_ name: String, _ dist: Distribution, _ trials: [FrozenTrial]) {
    let prior = PedAnovaImportance.priorWeight
    switch dist {
    case .categorical(let c):
      var counts = [Double](repeating: 0, count: c.choices.count)
      for t in trials { if let v = t.params[name], let i = c.index(of: v) { counts[i] += 1 } }
      pdf = Self.categorical(counts, prior: prior)
    case .float, .int:
      pdf = Self.numerical(Self.numericCounts(name, dist, trials), prior: prior)
    }
  }

  /// Counts of the values at each grid point; ties between two points go to the lower one.
  static func numericCounts(_ name: String, _ dist: Distribution, _ trials: [FrozenTrial]) -> [Double] {
    var steps = PedAnovaImportance.gridSteps
    var low: Double, high: Double, log: Bool
    switch dist {
    case .int(let i):
      (low, high, log) = (Double(i.low), Double(i.high), i.log)
      if i.log {
        steps = min(Int((Foundation.log(high - low + 1) / Foundation.log(2.0)).rounded(.up)) + 1, steps)
      } else {
        steps = min(Int(((high - low) / Double(i.step)).rounded(.toNearestOrEven)) + 1, steps)
      }
    case .float(let f):
      (low, high, log) = (f.low, f.high, f.log)
      if let step = f.step { steps = min(Int(((high - low) / step).rounded(.toNearestOrEven)) + 1, steps) }
    case .categorical:
      return []
    }
    if log { (low, high) = (Foundation.log(low), Foundation.log(high)) }
    let width = (high - low) / Double(steps - 1)
    var counts = [Double](repeating: 0, count: steps)
    for t in trials {
      guard var v = t.params[name]?.doubleValue else { continue }
      if log { v = Foundation.log(v) }
      let g = ((v - low) / width - 0.5).rounded(.up)
      counts[Int(max(0, min(Double(steps - 1), g)))] += 1
    }
    return counts
  }

  /// Mixture over the seen grid points (weights: their counts) and a prior kernel (weight
  /// `prior`) of normals truncated to [−½, G − ½] and integrated over each point's cell.
  static func numerical(_ counts: [Double], prior: Double) -> [Double] {
    let size = counts.count
    let seen = counts.indices.filter { counts[$0] > 0 }
    let obs = seen.map(Double.init), w = seen.map { counts[$0] }
    let total = w.reduce(0, +)
    var mus = obs, sigmas: [Double] = []
    var weights = w
    if !obs.isEmpty {
      let mean = zip(obs, w).reduce(0) { $0 + $1.0 * $1.1 } / total
      let sd = (zip(obs, w).reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) } / max(1, total - 1)).squareRoot()
      // Quartile indices as numpy's searchsorted on the cumulative counts.
      var cum: [Double] = []
      var acc = 0.0
      for x in w { acc += x; cum.append(acc) }
      let q1Mark = (total / 4).rounded(.down), q3Mark = (total * 3 / 4).rounded(.down)
      let q1 = cum.firstIndex { $0 >= q1Mark } ?? cum.count
      let q3 = cum.firstIndex { $0 > q3Mark } ?? cum.count
      let iqr = obs[min(obs.count - 1, q3)] - obs[min(obs.count - 1, q1)]
      let scott = 1.059 * min(iqr / 1.34, sd) * pow(total, -0.2)
      sigmas = [Double](repeating: max(scott, 0.5 / 1.64), count: obs.count)
    }
    mus.append(Double(size - 1) / 2)
    sigmas.append(Double(size))
    weights.append(obs.isEmpty ? 1 : prior)
    let wsum = weights.reduce(0, +)
    var pdf = [Double](repeating: 0, count: size)
    for k in mus.indices {
      let mu = mus[k], s = sigmas[k]
      let z = gaussMass((-0.5 - mu) / s, (Double(size) - 0.5 - mu) / s)
      guard z > 0 else { continue }
      for g in 0..<size {
        pdf[g] += weights[k] / wsum * gaussMass((Double(g) - 0.5 - mu) / s, (Double(g) + 0.5 - mu) / s) / z
      }
    }
    return pdf
  }

  /// Mixture over the seen choices (weights: their counts) and a prior kernel (weight `prior`);
  /// each seen choice's kernel puts 1 + prior/K on it and prior/K on every choice (K: kernels),
  /// normalised; the prior kernel is uniform.
  static func categorical(_ counts: [Double], prior: Double) -> [Double] {
    let n = counts.count
    let seen = counts.indices.filter { counts[$0] > 0 }
    guard !seen.isEmpty else { return [Double](repeating: 1 / Double(n), count: n) }
    let kernels = Double(seen.count + 1)
    let base = prior / kernels
    let wsum = seen.reduce(0) { $0 + counts[$1] } + prior
    var pdf = [Double](repeating: 0, count: n)
    let rowSum = base * Double(n) + 1
    for c in seen {
      for j in 0..<n { pdf[j] += counts[c] / wsum * (base + (j == c ? 1 : 0)) / rowSum }
    }
    let priorRow = base * Double(n)
    for j in 0..<n { pdf[j] += prior / wsum * (priorRow > 0 ? base / priorRow : 1 / Double(n)) }
    return pdf
  }

  /// Φ(b) − Φ(a) for a ≤ b, from the tail that keeps its digits.
  static func gaussMass(_ a: Double, _ b: Double) -> Double {
    let r = 1 / 2.0.squareRoot()
    if a >= 0 { return 0.5 * (erfc(a * r) - erfc(b * r)) }
    if b <= 0 { return 0.5 * (erfc(-b * r) - erfc(-a * r)) }
    return 1 - 0.5 * erfc(-a * r) - 0.5 * erfc(b * r)
  }
}
